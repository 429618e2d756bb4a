package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"time"
)

// RFC 3161 time stamps. A time-stamping authority (TSA) signs the digest it is given together
// with the time; the token is a CMS SignedData whose content is a TSTInfo. dossier asks for tokens
// over two things: the manifest's digest (`dossier timestamp`, kept in the case and carried in the
// bag) and a packet signature's value (PAdES B-T, inside the signature). Verifying a token checks
// that it is over the expected digest (the message imprint), that the TSA's signature over it
// holds, and — when the caller trusts a TSA certificate authority — that the TSA's certificate
// chains to it and is meant for time stamping.

var (
	oidTSTInfo  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidSHA384   = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512   = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSA      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSA256   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidRSA384   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidRSA512   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECDSA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
)

type messageImprint struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	HashedMessage []byte
}

type timeStampReq struct {
	Version        int
	MessageImprint messageImprint
	Nonce          *big.Int `asn1:"optional"`
	CertReq        bool     `asn1:"optional"`
}

type pkiStatusInfo struct {
	Status       int
	StatusString []string       `asn1:"optional,utf8"`
	FailInfo     asn1.BitString `asn1:"optional"`
}

type timeStampResp struct {
	Status pkiStatusInfo
	Token  asn1.RawValue `asn1:"optional"`
}

type accuracy struct {
	Seconds int `asn1:"optional"`
	Millis  int `asn1:"optional,tag:0"`
	Micros  int `asn1:"optional,tag:1"`
}

type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint messageImprint
	SerialNumber   *big.Int
	GenTime        time.Time `asn1:"generalized"`
	Accuracy       accuracy  `asn1:"optional"`
	Ordering       bool      `asn1:"optional"`
	Nonce          *big.Int  `asn1:"optional"`
}

type tokenEncap struct {
	EContentType asn1.ObjectIdentifier
	EContent     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type tokenSignedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo tokenEncap
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

// Stamp is what a verified token says.
type Stamp struct {
	Time   time.Time
	Serial string
	TSA    string // the TSA certificate's subject
	// Chained: the TSA's certificate was checked against the trusted authorities given.
	Chained bool
}

// Errors of time stamps.
var (
	ErrTSA          = errors.New("the time-stamping authority refused or failed")
	ErrTokenImprint = errors.New("the time-stamp token is over another digest")
	ErrToken        = errors.New("the time-stamp token does not verify")
)

// MaxToken caps a token read from a TSA, a case or a bag.
const MaxToken = 64 << 10

// RequestTimestamp asks the TSA at url for a token over the SHA-256 digest.
func RequestTimestamp(ctx context.Context, client *http.Client, url string, digest []byte) ([]byte, error) {
	nonce, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 63))
	if err != nil {
		return nil, err
	}
	req, err := asn1.Marshal(timeStampReq{Version: 1, Nonce: nonce, CertReq: true,
		MessageImprint: messageImprint{HashAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.NullRawValue}, HashedMessage: digest}})
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTSA, url, err)
	}
	hr.Header.Set("Content-Type", "application/timestamp-query")
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTSA, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxToken+1))
	if err != nil || resp.StatusCode != http.StatusOK || len(body) > MaxToken {
		return nil, fmt.Errorf("%w: %s: HTTP %s, %d bytes, %v", ErrTSA, url, resp.Status, len(body), err)
	}
	var tr timeStampResp
	if _, err := asn1.Unmarshal(body, &tr); err != nil {
		return nil, fmt.Errorf("%w: %s: not a time-stamp response: %v", ErrTSA, url, err)
	}
	if tr.Status.Status > 1 || len(tr.Token.FullBytes) == 0 {
		return nil, fmt.Errorf("%w: %s: status %d %v", ErrTSA, url, tr.Status.Status, tr.Status.StatusString)
	}
	info, _, err := parseToken(tr.Token.FullBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTSA, url, err)
	}
	if info.Nonce == nil || info.Nonce.Cmp(nonce) != 0 {
		return nil, fmt.Errorf("%w: %s: the reply is not to this request (nonce)", ErrTSA, url)
	}
	if _, err := VerifyTimestamp(tr.Token.FullBytes, digest, nil); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrTSA, url, err)
	}
	return tr.Token.FullBytes, nil
}

// parseToken reads a token's TSTInfo and signed data.
func parseToken(token []byte) (*tstInfo, *tokenSignedData, error) {
	if len(token) > MaxToken {
		return nil, nil, fmt.Errorf("%w: %d bytes", ErrToken, len(token))
	}
	var ci contentInfo
	if _, err := asn1.Unmarshal(token, &ci); err != nil || !ci.ContentType.Equal(oidSignedData) {
		return nil, nil, fmt.Errorf("%w: not a CMS signed data: %v", ErrToken, err)
	}
	var sd tokenSignedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, nil, fmt.Errorf("%w: signed data: %v", ErrToken, err)
	}
	if !sd.EncapContentInfo.EContentType.Equal(oidTSTInfo) {
		return nil, nil, fmt.Errorf("%w: the content is not a TSTInfo", ErrToken)
	}
	var octets []byte
	if _, err := asn1.Unmarshal(sd.EncapContentInfo.EContent.Bytes, &octets); err != nil {
		return nil, nil, fmt.Errorf("%w: content: %v", ErrToken, err)
	}
	var info tstInfo
	if _, err := asn1.Unmarshal(octets, &info); err != nil {
		return nil, nil, fmt.Errorf("%w: TSTInfo: %v", ErrToken, err)
	}
	return &info, &sd, nil
}

// VerifyTimestamp checks a token over the SHA-256 digest: the imprint, the TSA's signature and,
// when roots is not nil, the TSA certificate's chain and its time-stamping purpose.
func VerifyTimestamp(token, digest []byte, roots *x509.CertPool) (*Stamp, error) {
	info, sd, err := parseToken(token)
	if err != nil {
		return nil, err
	}
	if !info.MessageImprint.HashAlgorithm.Algorithm.Equal(oidSHA256) || !bytes.Equal(info.MessageImprint.HashedMessage, digest) {
		return nil, ErrTokenImprint
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("%w: %d signers", ErrToken, len(sd.SignerInfos))
	}
	si := sd.SignerInfos[0]
	// RFC 5652: version 3 for content other than id-data; a signer named by issuer and serial
	// is version 1.
	if sd.Version != 3 || si.Version != 1 {
		return nil, fmt.Errorf("%w: versions %d and %d", ErrToken, sd.Version, si.Version)
	}
	certs, err := x509.ParseCertificates(sd.Certificates.Bytes)
	if err != nil || len(certs) == 0 {
		return nil, fmt.Errorf("%w: the TSA's certificate is not included: %v", ErrToken, err)
	}
	var cert *x509.Certificate
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, si.SID.Issuer.FullBytes) && si.SID.Serial != nil && c.SerialNumber.Cmp(si.SID.Serial) == 0 {
			cert = c
		}
	}
	if cert == nil {
		return nil, fmt.Errorf("%w: the TSA's certificate is not included", ErrToken)
	}
	if err := certPath(cert, certs, roots); err != nil {
		return nil, err
	}
	if da, err := asn1.Marshal(si.DigestAlgorithm); err != nil || !bytes.Contains(sd.DigestAlgorithms.Bytes, da) {
		return nil, fmt.Errorf("%w: the signer's digest algorithm is not among the token's", ErrToken)
	}
	h, alg, err := algorithms(si.DigestAlgorithm.Algorithm, si.SignatureAlgorithm.Algorithm)
	if err != nil {
		return nil, err
	}
	var octets []byte
	asn1.Unmarshal(sd.EncapContentInfo.EContent.Bytes, &octets)
	content := h.New()
	content.Write(octets)
	md, _, err := readSignedAttrs(si.SignedAttrs.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrToken, err)
	}
	if !bytes.Equal(md, content.Sum(nil)) {
		return nil, fmt.Errorf("%w: the TSA's signature is not over this TSTInfo", ErrToken)
	}
	attrs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: si.SignedAttrs.Bytes})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrToken, err)
	}
	if err := cert.CheckSignature(alg, attrs, si.Signature); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrToken, err)
	}
	st := &Stamp{Time: info.GenTime, Serial: info.SerialNumber.String(), TSA: cert.Subject.String()}
	if roots != nil {
		inter := x509.NewCertPool()
		for _, c := range certs {
			inter.AddCert(c)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: info.GenTime,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}); err != nil {
			return nil, fmt.Errorf("%w: the TSA's certificate does not chain to the trusted authority: %v", ErrToken, err)
		}
		st.Chained = true
	}
	return st, nil
}

// algorithms maps a signer's digest and signature algorithms to what x509 checks.
func algorithms(digest, sig asn1.ObjectIdentifier) (crypto.Hash, x509.SignatureAlgorithm, error) {
	var h crypto.Hash
	switch {
	case digest.Equal(oidSHA256):
		h = crypto.SHA256
	case digest.Equal(oidSHA384):
		h = crypto.SHA384
	case digest.Equal(oidSHA512):
		h = crypto.SHA512
	default:
		return 0, 0, fmt.Errorf("%w: digest algorithm %v is not supported", ErrToken, digest)
	}
	// The signature algorithm names its hash too; it must be the digest algorithm's.
	rsa := map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA256: oidRSA256, crypto.SHA384: oidRSA384, crypto.SHA512: oidRSA512}
	ec := map[crypto.Hash]asn1.ObjectIdentifier{crypto.SHA256: oidECDSAWithSHA256, crypto.SHA384: oidECDSA384, crypto.SHA512: oidECDSA512}
	switch {
	case sig.Equal(oidRSA) || sig.Equal(rsa[h]):
		return h, map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA256: x509.SHA256WithRSA, crypto.SHA384: x509.SHA384WithRSA, crypto.SHA512: x509.SHA512WithRSA}[h], nil
	case sig.Equal(ec[h]):
		return h, map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA256: x509.ECDSAWithSHA256, crypto.SHA384: x509.ECDSAWithSHA384, crypto.SHA512: x509.ECDSAWithSHA512}[h], nil
	}
	return 0, 0, fmt.Errorf("%w: signature algorithm %v is not supported", ErrToken, sig)
}

// certPath requires every certificate a token includes to stand on the signer's issuing path,
// each signed by the next and a self-signed last one by itself: a token cannot carry a changed
// or unrelated certificate unnoticed, even one that verifying does not otherwise rely on.
func certPath(signer *x509.Certificate, certs []*x509.Certificate, roots *x509.CertPool) error {
	used := map[*x509.Certificate]bool{}
	cur := signer
	for len(used) <= len(certs) {
		if c := findCert(certs, cur); c != nil {
			used[c] = true
		}
		var next *x509.Certificate
		for _, p := range certs {
			if p != cur && !bytes.Equal(p.Raw, cur.Raw) && bytes.Equal(cur.RawIssuer, p.RawSubject) && cur.CheckSignatureFrom(p) == nil {
				next = p
				break
			}
		}
		if next == nil {
			break
		}
		cur = next
	}
	if cur != signer {
		// The last certificate on the path: self-issued, it must verify by itself; issued by an
		// authority the token leaves out, only the trusted authorities, when given, can vouch.
		selfIssued := bytes.Equal(cur.RawSubject, cur.RawIssuer)
		if selfIssued && cur.CheckSignatureFrom(cur) != nil {
			return fmt.Errorf("%w: the included authority's certificate is damaged", ErrToken)
		}
		if !selfIssued && roots != nil {
			if _, err := cur.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
				return fmt.Errorf("%w: an included authority's certificate does not chain to the trusted authority: %v", ErrToken, err)
			}
		}
	}
	for _, c := range certs {
		if !used[c] {
			return fmt.Errorf("%w: it includes a certificate (%s) that did not issue the TSA's", ErrToken, c.Subject)
		}
	}
	return nil
}

func findCert(certs []*x509.Certificate, c *x509.Certificate) *x509.Certificate {
	for _, x := range certs {
		if x == c || bytes.Equal(x.Raw, c.Raw) {
			return x
		}
	}
	return nil
}
