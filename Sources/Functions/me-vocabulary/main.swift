// PUT /v1/me/vocabulary
import Transcriptor

API.run(SetVocabularyRoute.self)
