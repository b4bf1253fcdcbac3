// GET /v1/jobs
import Transcriptor

API.run(ListJobsRoute.self)
