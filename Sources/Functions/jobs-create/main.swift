// POST /v1/jobs
import Transcriptor

API.run(CreateJobRoute.self)
