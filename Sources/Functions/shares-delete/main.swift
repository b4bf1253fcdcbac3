// DELETE /v1/jobs/{id}/shares/{shareId}
import Transcriptor

API.run(DeleteShareRoute.self)
