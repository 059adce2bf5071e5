#include "tlssession.h"

#include "tlsconfig.h"

#include <QFile>
#include <QHostAddress>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>

namespace hd {

namespace {

struct BioDeleter {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;

Bio memoryBio(const QByteArray& data)
{
    return Bio(BIO_new_mem_buf(data.constData(), int(data.size())));
}

// Every certificate of a PEM bundle, in order; the caller frees them.
QList<X509*> readCertificates(const QByteArray& pem)
{
    QList<X509*> out;
    Bio bio = memoryBio(pem);
    while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        out.append(certificate);
    ERR_clear_error(); // the end of the bundle reads as an error
    return out;
}

QString lastSslError()
{
    const unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0)
        return {};
    const char* reason = ERR_reason_error_string(code);
    return reason ? QString::fromLatin1(reason) : QStringLiteral("OpenSSL error %1").arg(code);
}

// The verification result in the words of a detail line, as Qt's QSslError said them.
QString verifyText(long code, const QString& host, const QDateTime& expiredOn)
{
    switch (code) {
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        return QStringLiteral("the certificate is self-signed, and untrusted");
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return QStringLiteral("the root certificate of the certificate chain is self-signed, and untrusted");
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return QStringLiteral("the certificate's issuer is not trusted (not in the system store or tls.ca)");
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return expiredOn.isValid()
            ? QStringLiteral("the certificate has expired (on %1)").arg(expiredOn.toString(Qt::ISODate))
            : QStringLiteral("the certificate has expired");
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return QStringLiteral("the certificate is not yet valid");
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return QStringLiteral("the host name did not match any of the valid hosts for this certificate (%1)").arg(host);
    default:
        break;
    }
    return QString::fromLatin1(X509_verify_cert_error_string(code));
}

QDateTime notAfterOf(const X509* certificate)
{
    if (!certificate)
        return {};
    const ASN1_TIME* time = X509_get0_notAfter(certificate);
    struct tm parts { };
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
        QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}

// OpenSSL hands each new session (TLS 1.3: each ticket) to the context that made the connection.
int onNewSession(SSL* ssl, SSL_SESSION* session)
{
    auto* context = static_cast<TlsContext*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
    const auto* stream = static_cast<const TlsStream*>(SSL_get_app_data(ssl));
    if (!context || !stream)
        return 0;
    context->storeSession(stream->peer(), session);
    return 1; // the session is ours now
}

// Verification goes on as OpenSSL decided; this only notes when an expired certificate ended,
// which the failed handshake no longer tells.
int onVerify(int ok, X509_STORE_CTX* store)
{
    if (!ok && X509_STORE_CTX_get_error(store) == X509_V_ERR_CERT_HAS_EXPIRED) {
        auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
        if (auto* stream = ssl ? static_cast<TlsStream*>(SSL_get_app_data(ssl)) : nullptr)
            stream->noteExpired(notAfterOf(X509_STORE_CTX_get_current_cert(store)));
    }
    return ok;
}

} // namespace

QString TlsContext::settingsKey(const TlsClientConfig& tls)
{
    return tls.caFile + u'\n' + tls.certFile + u'\n' + tls.keyFile + (tls.insecure ? u"\ninsecure" : u"");
}

std::shared_ptr<TlsContext> TlsContext::create(const TlsClientConfig& tls, QString* error)
{
    std::shared_ptr<TlsContext> context(new TlsContext);
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        *error = u"cannot create a TLS context: " + lastSslError();
        return nullptr;
    }
    context->m_ctx = ctx;
    SSL_CTX_set_app_data(ctx, context.get());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // A server that drops the connection without close_notify ends the stream like one that sends it;
    // the HTTP framing, not TLS, says whether the answer was complete.
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    // Whole records from one recv(): the read loop asks SSL_has_pending() before it reads again.
    SSL_CTX_set_read_ahead(ctx, 1);
    static const unsigned char alpn[] = { 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
    SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn));
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, onNewSession);

    if (SSL_CTX_set_default_verify_paths(ctx) != 1)
        ERR_clear_error(); // no system store: only tls.ca (or insecure) can then succeed

    QByteArray data;
    if (!tls.caFile.isEmpty()) {
        if (!readTlsFile(tls.caFile, &data, error))
            return nullptr;
        const QList<X509*> cas = readCertificates(data);
        if (cas.isEmpty()) {
            *error = QStringLiteral("no PEM certificate in CA file %1").arg(tls.caFile);
            return nullptr;
        }
        X509_STORE* store = SSL_CTX_get_cert_store(ctx);
        for (X509* ca : cas) {
            X509_STORE_add_cert(store, ca); // a duplicate of a system certificate is fine
            X509_free(ca);
        }
        ERR_clear_error();
    }
    if (!tls.certFile.isEmpty()) {
        if (!readTlsFile(tls.certFile, &data, error))
            return nullptr;
        QList<X509*> chain = readCertificates(data);
        if (chain.isEmpty()) {
            *error = QStringLiteral("no PEM certificate in client certificate file %1").arg(tls.certFile);
            return nullptr;
        }
        SSL_CTX_use_certificate(ctx, chain.first());
        X509_free(chain.takeFirst());
        for (X509* intermediate : std::as_const(chain))
            SSL_CTX_add0_chain_cert(ctx, intermediate); // takes it
        // Without a key file the key may sit in the certificate file (combined PEM).
        const QString keyPath = tls.keyFile.isEmpty() ? tls.certFile : tls.keyFile;
        if (!tls.keyFile.isEmpty() && !readTlsFile(keyPath, &data, error))
            return nullptr;
        Bio bio = memoryBio(data);
        EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(""));
        if (!key) {
            ERR_clear_error();
            *error = QStringLiteral("no usable unencrypted PEM private key in %1").arg(keyPath);
            return nullptr;
        }
        const bool used = SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
        EVP_PKEY_free(key);
        if (!used) {
            *error = QStringLiteral("the client key in %1 does not belong to the certificate in %2: %3")
                         .arg(keyPath, tls.certFile, lastSslError());
            return nullptr;
        }
    } else if (!tls.keyFile.isEmpty()) {
        *error = QStringLiteral("a client key (%1) needs a client certificate").arg(tls.keyFile);
        return nullptr;
    }
    context->m_verify = !tls.insecure;
    SSL_CTX_set_verify(ctx, tls.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, tls.insecure ? nullptr : onVerify);
    return context;
}

TlsContext::~TlsContext()
{
    for (SSL_SESSION* session : std::as_const(m_sessions))
        SSL_SESSION_free(session);
    SSL_CTX_free(m_ctx);
}

ssl_session_st* TlsContext::session(const QString& peer) const
{
    return m_sessions.value(peer);
}

void TlsContext::storeSession(const QString& peer, ssl_session_st* session)
{
    SSL_SESSION*& slot = m_sessions[peer];
    if (slot)
        SSL_SESSION_free(slot);
    slot = session;
}

// --- TlsStream -----------------------------------------------------------

TlsStream::TlsStream(std::shared_ptr<TlsContext> context, int fd, const QString& host, const QString& peer)
    : m_context(std::move(context))
    , m_peer(peer)
    , m_host(host)
{
    m_ssl = SSL_new(m_context->native());
    SSL_set_fd(m_ssl, fd);
    SSL_set_app_data(m_ssl, this);
    SSL_set_connect_state(m_ssl);
    const QByteArray name = host.toLatin1();
    if (QHostAddress literal; literal.setAddress(host)) {
        // No SNI for an address (RFC 6066); the certificate must name the address.
        if (m_context->verifies())
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(m_ssl), literal.toString().toLatin1().constData());
    } else {
        SSL_set_tlsext_host_name(m_ssl, name.constData());
        if (m_context->verifies())
            SSL_set1_host(m_ssl, name.constData());
    }
    if (SSL_SESSION* session = m_context->session(m_peer))
        SSL_set_session(m_ssl, session);
}

TlsStream::~TlsStream()
{
    // Closed without a close_notify, but the session stays resumable.
    SSL_set_quiet_shutdown(m_ssl, 1);
    SSL_shutdown(m_ssl);
    SSL_free(m_ssl);
}

TlsStream::Io TlsStream::handshake()
{
    ERR_clear_error();
    const int result = SSL_do_handshake(m_ssl);
    if (result == 1) {
        m_established = true;
        m_notAfter = notAfterOf(SSL_get0_peer_certificate(m_ssl));
        ++m_context->m_handshakes;
        if (SSL_session_reused(m_ssl))
            ++m_context->m_resumed;
        return Io::Done;
    }
    return failure(result, true);
}

TlsStream::Io TlsStream::read(char* data, qsizetype capacity, qsizetype* n)
{
    ERR_clear_error();
    const int result = SSL_read(m_ssl, data, int(qMin<qsizetype>(capacity, INT_MAX)));
    if (result > 0) {
        *n = result;
        return Io::Done;
    }
    *n = 0;
    return failure(result, false);
}

TlsStream::Io TlsStream::write(const char* data, qsizetype size, qsizetype* n)
{
    ERR_clear_error();
    const int result = SSL_write(m_ssl, data, int(qMin<qsizetype>(size, INT_MAX)));
    if (result > 0) {
        *n = result;
        return Io::Done;
    }
    *n = 0;
    return failure(result, false);
}

bool TlsStream::hasPending() const
{
    return SSL_has_pending(m_ssl) == 1;
}

bool TlsStream::resumed() const
{
    return SSL_session_reused(m_ssl) == 1;
}

QByteArray TlsStream::alpn() const
{
    const unsigned char* data = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(m_ssl, &data, &length);
    return QByteArray(reinterpret_cast<const char*>(data), int(length));
}

TlsStream::Io TlsStream::failure(int result, bool handshaking)
{
    const int code = SSL_get_error(m_ssl, result);
    switch (code) {
    case SSL_ERROR_WANT_READ:
        return Io::WantRead;
    case SSL_ERROR_WANT_WRITE:
        return Io::WantWrite;
    case SSL_ERROR_ZERO_RETURN:
        if (!handshaking)
            return Io::Closed;
        m_error = QStringLiteral("the server closed the connection during the handshake");
        return Io::Failed;
    case SSL_ERROR_SYSCALL:
        m_errno = errno;
        ERR_clear_error();
        if (m_errno == 0 || result == 0) {
            m_errno = 0;
            if (!handshaking)
                return Io::Closed;
            m_error = QStringLiteral("the server closed the connection during the handshake");
            return Io::Failed;
        }
        m_error = qt_error_string(m_errno);
        return Io::Failed;
    default:
        break;
    }
    const long verify = SSL_get_verify_result(m_ssl);
    if (handshaking && m_context->verifies() && verify != X509_V_OK) {
        ERR_clear_error();
        m_error = verifyText(verify, m_host, m_expiredOn);
        return Io::Failed;
    }
    m_error = lastSslError();
    if (m_error.isEmpty())
        m_error = QStringLiteral("TLS error %1").arg(code);
    return Io::Failed;
}

} // namespace hd
