// GET /v1/jobs/{id}/shares
import Transcriptor

API.run(ListSharesRoute.self)
