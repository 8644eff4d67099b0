"""A query the analysis cannot answer, with a machine-readable code and a message for people."""


class AnalysisError(ValueError):
    def __init__(self, code: str, message: str, field: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        return {"field": self.field, "code": self.code, "message": self.message}
