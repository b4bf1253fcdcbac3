// The fetch stage: the fetch queue's messages → uploads/{user}/{job}/source.
import Runtime
import Transcriptor

Lambda.run { try FetchFunction() }
