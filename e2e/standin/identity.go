package standin

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// identity is the instance identity a controller advertises: a real RSA
// public key, so agents that decode it get a valid one, and a session id.
type identity struct {
	publicKey string // base64 of the PKIX DER encoding, as Jenkins sends it
	session   string
}

func newIdentity() (identity, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return identity{}, fmt.Errorf("generate instance identity key: %w", err)
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return identity{}, fmt.Errorf("encode instance identity key: %w", err)
	}
	s := make([]byte, 4)
	if _, err := rand.Read(s); err != nil {
		return identity{}, fmt.Errorf("session id: %w", err)
	}
	return identity{publicKey: base64.StdEncoding.EncodeToString(der), session: hex.EncodeToString(s)}, nil
}
