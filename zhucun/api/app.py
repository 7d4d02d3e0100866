"""The JSON API, version 1: /api/v1/, schema at /api/v1/openapi.json, docs at /api/v1/docs."""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from zhucun.api import error_responses
from zhucun.api.auth import authenticators
from zhucun.api.routes import (
    assessments,
    attendance,
    cadres,
    export,
    fieldwork,
    findings,
    funds,
    households,
    leave,
    me,
    teams,
)

DESCRIPTION = """驻村联户工作管理系统的数据接口(依据《西安市驻村联户工作管理细则》)。

- 机器客户端:在“接口令牌”页面创建令牌,请求头 `Authorization: Bearer <令牌>`。
- 页面脚本:使用登录会话,写操作须带 `X-CSRFToken` 头。
- 所有数据按调用者的数据范围过滤;看不到的记录一律答 404。
- 写操作可带 `Idempotency-Key` 头:同一键、同一内容重发,返回第一次的结果;内容不同答 409。
- 错误统一为 `{code, field, message, article}`,message 为中文。
"""


class ChineseJSON(JSONRenderer):
    # Chinese text as UTF-8, not \u escapes: half the bytes on a weak phone signal.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSON(),
    title="驻村联户 API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=authenticators(),
    docs=Swagger(settings={"persistAuthorization": False}),
)
error_responses.install(api)

for module in (
    me,
    teams,
    cadres,
    households,
    attendance,
    leave,
    fieldwork,
    findings,
    funds,
    assessments,
    export,
):
    api.add_router("/", module.router)
