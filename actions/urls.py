from django.urls import path

from actions import views

app_name = "actions"
urlpatterns = [
    path("<int:number>/", views.action_detail, name="detail"),
]
