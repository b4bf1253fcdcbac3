// DELETE /v1/api-keys/{id}
import Transcriptor

API.run(RevokeAPIKeyRoute.self)
