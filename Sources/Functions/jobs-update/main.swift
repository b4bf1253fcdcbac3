// PATCH /v1/jobs/{id}
import Transcriptor

API.run(UpdateJobRoute.self)
