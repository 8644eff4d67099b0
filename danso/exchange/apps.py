from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "danso.exchange"
    label = "exchange"
    verbose_name = "Nhập, xuất dữ liệu"
