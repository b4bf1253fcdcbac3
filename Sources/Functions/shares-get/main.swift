// GET /v1/shares/{token}
import Transcriptor

API.run(GetShareRoute.self)
