"""One module per kind of narrative report: what it says, drafted from the data.

Each exposes `draft(request: Request) -> Draft` (content.Draft); `common.py` holds the parts
several kinds share (the document header, activities with their places, programme data,
progress against targets, the lagging list, next year's targets).
"""
