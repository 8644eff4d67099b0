from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "danso.statistics"
    label = "statistics"
    verbose_name = "Báo cáo thống kê"
