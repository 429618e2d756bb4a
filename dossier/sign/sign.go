// Package sign makes and checks the detached CMS signatures (RFC 5652) that seal a packet PDF as
// PAdES baseline signatures (ETSI EN 319 142-1, levels B-B and, with a time-stamp token, B-T).
//
// Each case has its own ECDSA P-256 key, made once and kept in the case with owner-only
// permissions; it never leaves the case (not in a bag, not in a packet). Its self-signed
// certificate names the dossier id and the complainant. A recipient cannot tell from the
// certificate alone who holds the key, so the packet prints the certificate's SHA-256 fingerprint
// and the complainant sends it separately (a message, a phone call): a matching fingerprint and a
// valid signature together say the packet is the one the complainant made, unchanged.
//
// Signatures are deterministic (RFC 6979): the same key, signing time and bytes give the same
// signature, so the same case signed at the same time renders to the same file.
//
// The CMS is written and read with encoding/asn1: SignedData with one SignerInfo, the
// certificate, no encapsulated content, and the signed attributes PAdES requires (content-type,
// message-digest, signing-certificate-v2; no signing-time: the time is the PDF signature
// dictionary's /M). A time-stamp token, when there is one, is the unsigned attribute
// id-aa-signatureTimeStampToken over the signature value.
package sign

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"
)

// Object identifiers used in the CMS.
var (
	oidData            = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidContentType     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningCertV2   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidTimeStampToken  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}
	oidSHA256          = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidECDSAWithSHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue // [0] EXPLICIT, built and read by hand
}

type signedData struct {
	Version          int
	DigestAlgorithms []pkix.AlgorithmIdentifier `asn1:"set"`
	EncapContentInfo encapContentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type encapContentInfo struct {
	EContentType asn1.ObjectIdentifier
}

type signerInfo struct {
	Version            int
	SID                issuerAndSerial
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue
}

type essCertIDv2 struct {
	CertHash []byte // the hash algorithm is the default, SHA-256
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

// Signer signs packets with a case's key.
type Signer struct {
	Key  *ecdsa.PrivateKey
	Cert []byte // DER
	// Time is the signing time the packet states (the signature dictionary's /M and the cover).
	Time time.Time
	// Timestamp, when set, returns an RFC 3161 time-stamp token over the given signature value
	// (PAdES B-T); its error stops the signing.
	Timestamp func(signature []byte) ([]byte, error)
}

// Fingerprint is the SHA-256 of the signer's certificate, as a recipient compares it.
func (s *Signer) Fingerprint() string { return Fingerprint(s.Cert) }

// Fingerprint returns the SHA-256 of a DER certificate in upper-case hex, in groups of four.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(h[i:min(i+4, len(h))])
	}
	return b.String()
}

// Sign returns the DER CMS SignedData over content whose SHA-256 is digest.
func (s *Signer) Sign(digest []byte) ([]byte, error) {
	cert, err := x509.ParseCertificate(s.Cert)
	if err != nil {
		return nil, fmt.Errorf("sign: certificate: %w", err)
	}
	certHash := sha256.Sum256(s.Cert)
	attrs, err := signedAttributes(digest, certHash[:])
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(attrs)
	sig, err := s.Key.Sign(nil, h[:], crypto.SHA256) // nil: deterministic, RFC 6979
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	var token []byte
	if s.Timestamp != nil {
		if token, err = s.Timestamp(sig); err != nil {
			return nil, fmt.Errorf("sign: time-stamp: %w", err)
		}
	}
	var unsigned []byte
	if token != nil {
		if unsigned, err = encodeAttribute(oidTimeStampToken, token); err != nil {
			return nil, err
		}
	}
	return assemble(cert, setContents(attrs), sig, unsigned)
}

// assemble writes the ContentInfo of a SignedData: one signer, its certificate, the signed
// attributes (without their SET header) and the unsigned ones (nil for none). Verify rebuilds a
// signature from its parts with it too: a signature in any other form is not one dossier made.
func assemble(cert *x509.Certificate, attrs, sig, unsigned []byte) ([]byte, error) {
	si := signerInfo{
		Version:            1,
		SID:                issuerAndSerial{Issuer: asn1.RawValue{FullBytes: cert.RawIssuer}, Serial: cert.SerialNumber},
		DigestAlgorithm:    pkix.AlgorithmIdentifier{Algorithm: oidSHA256},
		SignedAttrs:        asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: attrs},
		SignatureAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidECDSAWithSHA256},
		Signature:          sig,
	}
	if unsigned != nil {
		si.UnsignedAttrs = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 1, IsCompound: true, Bytes: unsigned}
	}
	sd := signedData{
		Version:          1,
		DigestAlgorithms: []pkix.AlgorithmIdentifier{{Algorithm: oidSHA256}},
		EncapContentInfo: encapContentInfo{EContentType: oidData},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: cert.Raw},
		SignerInfos:      []signerInfo{si},
	}
	inner, err := asn1.Marshal(sd)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return asn1.Marshal(contentInfo{ContentType: oidSignedData, Content: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: inner}})
}

// signedAttributes returns the DER SET OF the signed attributes, as the signature covers them.
func signedAttributes(digest, certHash []byte) ([]byte, error) {
	var list [][]byte
	ct, err := asn1.Marshal(oidData)
	if err != nil {
		return nil, err
	}
	md, err := asn1.Marshal(digest)
	if err != nil {
		return nil, err
	}
	sc, err := asn1.Marshal(signingCertificateV2{Certs: []essCertIDv2{{CertHash: certHash}}})
	if err != nil {
		return nil, err
	}
	for _, a := range []struct {
		oid asn1.ObjectIdentifier
		val []byte
	}{{oidContentType, ct}, {oidMessageDigest, md}, {oidSigningCertV2, sc}} {
		enc, err := encodeAttribute(a.oid, a.val)
		if err != nil {
			return nil, err
		}
		list = append(list, enc)
	}
	// DER orders the members of a SET OF by their encodings.
	sort.Slice(list, func(i, j int) bool { return bytes.Compare(list[i], list[j]) < 0 })
	return asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: bytes.Join(list, nil)})
}

func encodeAttribute(oid asn1.ObjectIdentifier, value []byte) ([]byte, error) {
	return asn1.Marshal(attribute{Type: oid, Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: value}})
}

// setContents strips the tag and length of a DER SET.
func setContents(set []byte) []byte {
	var rv asn1.RawValue
	if _, err := asn1.Unmarshal(set, &rv); err != nil {
		return nil
	}
	return rv.Bytes
}

// Errors Verify tells apart.
var (
	// ErrChanged: the signed bytes are not the bytes that were signed.
	ErrChanged = errors.New("the signed content was changed after signing")
	// ErrBadSignature: the signature itself does not verify (damaged, or not made with the
	// certificate it carries).
	ErrBadSignature = errors.New("the signature does not verify")
	// ErrMalformed: the signature cannot be read as a CMS signature.
	ErrMalformed = errors.New("not a readable CMS signature")
)

// Verified is what a valid signature tells.
type Verified struct {
	Cert        *x509.Certificate
	Fingerprint string
	// TimestampToken is the RFC 3161 token in the unsigned attributes, nil when there is none.
	TimestampToken []byte
	Signature      []byte // the signature value the token covers
}

// MaxCMS caps the signature read from a PDF.
const MaxCMS = 64 << 10

// Verify checks a detached CMS signature over content whose SHA-256 is digest. Trailing zero
// bytes (the PDF writer's padding) are ignored.
func Verify(cms, digest []byte) (*Verified, error) {
	if len(cms) > MaxCMS {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(cms))
	}
	var ci contentInfo
	rest, err := asn1.Unmarshal(cms, &ci)
	if err != nil || !ci.ContentType.Equal(oidSignedData) || ci.Content.Class != asn1.ClassContextSpecific || ci.Content.Tag != 0 || len(bytes.Trim(rest, "\x00")) > 0 {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("%w: signed data: %v", ErrMalformed, err)
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("%w: %d signers", ErrMalformed, len(sd.SignerInfos))
	}
	si := sd.SignerInfos[0]
	certs, err := x509.ParseCertificates(sd.Certificates.Bytes)
	if err != nil || len(certs) == 0 {
		return nil, fmt.Errorf("%w: certificate: %v", ErrMalformed, err)
	}
	var cert *x509.Certificate
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, si.SID.Issuer.FullBytes) && si.SID.Serial != nil && c.SerialNumber.Cmp(si.SID.Serial) == 0 {
			cert = c
		}
	}
	if cert == nil {
		return nil, fmt.Errorf("%w: the signer's certificate is not included", ErrMalformed)
	}
	if !si.DigestAlgorithm.Algorithm.Equal(oidSHA256) || !si.SignatureAlgorithm.Algorithm.Equal(oidECDSAWithSHA256) {
		return nil, fmt.Errorf("%w: algorithms %v, %v", ErrMalformed, si.DigestAlgorithm.Algorithm, si.SignatureAlgorithm.Algorithm)
	}
	if len(si.SignedAttrs.Bytes) == 0 {
		return nil, fmt.Errorf("%w: no signed attributes", ErrMalformed)
	}
	attrs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: si.SignedAttrs.Bytes})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: the certificate's key is not ECDSA", ErrMalformed)
	}
	h := sha256.Sum256(attrs)
	if !ecdsa.VerifyASN1(pub, h[:], si.Signature) {
		return nil, ErrBadSignature
	}
	got, certHash, err := readSignedAttrs(si.SignedAttrs.Bytes)
	if err != nil {
		return nil, err
	}
	if want := sha256.Sum256(cert.Raw); certHash != nil && !bytes.Equal(certHash, want[:]) {
		return nil, fmt.Errorf("%w: the signing-certificate attribute names another certificate", ErrBadSignature)
	}
	if !bytes.Equal(got, digest) {
		return nil, ErrChanged
	}
	var unsigned []byte
	if len(si.UnsignedAttrs.FullBytes) > 0 {
		unsigned = si.UnsignedAttrs.Bytes
	}
	// The parts verify; the whole must also be exactly what dossier writes from them, so that
	// no byte of the signature can change unnoticed.
	if again, err := assemble(cert, si.SignedAttrs.Bytes, si.Signature, unsigned); err != nil || !bytes.Equal(again, cms[:len(cms)-len(rest)]) || len(certs) != 1 {
		return nil, fmt.Errorf("%w: the signature is not in the form it was written in", ErrBadSignature)
	}
	v := &Verified{Cert: cert, Fingerprint: Fingerprint(cert.Raw), Signature: si.Signature}
	if unsigned != nil {
		v.TimestampToken = findAttribute(unsigned, oidTimeStampToken)
	}
	return v, nil
}

// readSignedAttrs returns the message digest and the signing-certificate hash.
func readSignedAttrs(b []byte) (digest, certHash []byte, err error) {
	md := findAttribute(b, oidMessageDigest)
	if md == nil {
		return nil, nil, fmt.Errorf("%w: no message-digest attribute", ErrMalformed)
	}
	if _, err := asn1.Unmarshal(md, &digest); err != nil {
		return nil, nil, fmt.Errorf("%w: message digest: %v", ErrMalformed, err)
	}
	if sc := findAttribute(b, oidSigningCertV2); sc != nil {
		var v signingCertificateV2
		if _, err := asn1.Unmarshal(sc, &v); err == nil && len(v.Certs) > 0 {
			certHash = v.Certs[0].CertHash
		}
	}
	return digest, certHash, nil
}

// findAttribute returns the DER of the first value of attribute oid in a list of attributes.
func findAttribute(b []byte, oid asn1.ObjectIdentifier) []byte {
	for len(b) > 0 {
		var a attribute
		rest, err := asn1.Unmarshal(b, &a)
		if err != nil {
			return nil
		}
		b = rest
		if a.Type.Equal(oid) {
			var first asn1.RawValue
			if _, err := asn1.Unmarshal(a.Values.Bytes, &first); err != nil {
				return nil
			}
			return first.FullBytes
		}
	}
	return nil
}
