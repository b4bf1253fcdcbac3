// PATCH /v1/jobs/{id}
import Transcriptor

API.run(RenameJobRoute.self)
