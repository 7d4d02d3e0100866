from django.urls import path

from zhucun.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.ledger_list, name="ledger_list"),
    path("teams/<int:pk>/", views.ledger_detail, name="ledger_detail"),
    path("teams/<int:pk>/allocations/", views.allocation_add, name="allocation_add"),
    path("teams/<int:pk>/expenses/", views.expense_add, name="expense_add"),
    path("teams/<int:pk>/reviews/", views.review_add, name="review_add"),
    path("teams/<int:pk>/notice/", views.notice, name="notice"),
    path("teams/<int:pk>/statement/<int:year>/", views.annual_statement, name="statement"),
    path(
        "teams/<int:pk>/statement/<int:year>.xlsx",
        views.annual_statement_xlsx,
        name="statement_xlsx",
    ),
    path("expenses/<int:pk>/", views.expense_detail, name="expense_detail"),
    path("expenses/<int:pk>/receipt/", views.receipt, name="receipt"),
]
