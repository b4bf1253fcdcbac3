// GET /v1/jobs/{id}/media
import Transcriptor

API.run(MediaRoute.self)
