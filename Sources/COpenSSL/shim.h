#ifndef TRANSCRIPTOR_COPENSSL_SHIM_H
#define TRANSCRIPTOR_COPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#endif
