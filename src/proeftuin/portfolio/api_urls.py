from rest_framework.routers import DefaultRouter

from .api import ProjectViewSet

router = DefaultRouter()
router.register("projecten", ProjectViewSet, basename="api-project")

urlpatterns = router.urls
