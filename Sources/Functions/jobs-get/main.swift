// GET /v1/jobs/{id}
import Transcriptor

API.run(GetJobRoute.self)
