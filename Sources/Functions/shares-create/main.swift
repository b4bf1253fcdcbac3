// POST /v1/jobs/{id}/shares
import Transcriptor

API.run(CreateShareRoute.self)
