"""Realistic Chinese personal and village names, drawn from a seeded random generator."""

import random

# Frequent surnames of Shaanxi, weighted roughly by frequency.
SURNAMES = (
    "王王王李李李张张张刘刘陈杨杨赵赵黄周吴徐孙马马朱胡郭郭何高高林罗郑梁谢宋唐许韩冯邓曹彭曾"
    "肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛"
    "闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤党寇雷权屈"
)
GIVEN_MALE = "伟强磊军勇涛斌明杰刚平辉鹏华飞超波亮建国峰林晓东文博宇浩俊志海军红卫兵"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧颖琳洁秀英兰萍红梅琴云莉倩璐佳欣悦"
VILLAGE_PREFIX = "东西南北上下前后大小新老"
VILLAGE_CORE = "王李张刘陈杨赵周吴马胡郭何高罗宋韩冯曹田董袁杜程魏任姚崔石贾白孟秦党寇"
VILLAGE_SUFFIX = (
    "家村",
    "庄村",
    "坪村",
    "沟村",
    "湾村",
    "河村",
    "堡村",
    "寨村",
    "坡村",
    "峪村",
    "营村",
)


def person_name(rng: random.Random, gender: str) -> str:
    pool = GIVEN_MALE if gender == "M" else GIVEN_FEMALE
    given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
    return rng.choice(SURNAMES) + given


def village_name(rng: random.Random, taken: set[str]) -> str:
    for _ in range(100):
        name = rng.choice(VILLAGE_CORE) + rng.choice(VILLAGE_SUFFIX)
        if rng.random() < 0.35:
            name = rng.choice(VILLAGE_PREFIX) + name
        if name not in taken:
            taken.add(name)
            return name
    name = f"{rng.choice(VILLAGE_CORE)}{len(taken)}组村"
    taken.add(name)
    return name
