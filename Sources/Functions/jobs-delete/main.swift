// DELETE /v1/jobs/{id}
import Transcriptor

API.run(DeleteJobRoute.self)
