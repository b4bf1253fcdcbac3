// DELETE /v1/me
import Transcriptor

API.run(DeleteAccountRoute.self)
