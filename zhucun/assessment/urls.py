from django.urls import path

from zhucun.assessment import recall_views, supervision_views, views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/county/<int:county_id>/", views.county_year, name="county_year"),
    path("<int:year>/county/<int:county_id>/facts.json", views.county_facts, name="county_facts"),
    path("<int:year>/county/<int:county_id>/finalise/", views.finalise, name="finalise"),
    path("<int:year>/county/<int:county_id>/filing.xlsx", views.filing_xlsx, name="filing"),
    path("<int:year>/cadre/<int:cadre_id>/", views.explain, name="explain"),
    path("<int:year>/cadre/<int:cadre_id>/facts.json", views.cadre_facts, name="cadre_facts"),
    path("<int:year>/cadre/<int:cadre_id>/grade/", views.decide_grade, name="decide_grade"),
    path("<int:year>/cadre/<int:cadre_id>/scores/", views.score_entry, name="score_entry"),
    path("<int:year>/cadre/<int:cadre_id>/opinion/", views.opinion_entry, name="opinion_entry"),
    path("cadre/<int:cadre_id>/conduct/", views.conduct_entry, name="conduct_entry"),
    path(
        "<int:year>/village/<int:village_id>/poverty-task/",
        views.poverty_task_entry,
        name="poverty_task_entry",
    ),
    path("results/<int:result_id>/recall/", recall_views.propose, name="recall_propose"),
    path("recalls/", recall_views.recall_list, name="recall_list"),
    path("recalls/<int:pk>/record/", recall_views.record, name="recall_record"),
    path("recalls/<int:pk>/replacement/", recall_views.replacement, name="recall_replacement"),
    path("supervision/", supervision_views.inspection_list, name="inspection_list"),
    path("supervision/new/", supervision_views.inspection_new, name="inspection_new"),
    path("supervision/<int:pk>/circulate/", supervision_views.circulate, name="circulate"),
    path("<int:year>/recognition/", supervision_views.recognition, name="recognition"),
]
