// GET /v1/me
import Transcriptor

API.run(MeRoute.self)
