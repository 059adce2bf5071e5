#pragma once

#include "config/config.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>

#include <memory>

struct ssl_st;
struct ssl_ctx_st;
struct ssl_session_st;

namespace hd {

// The TLS settings of one connection pool, as an OpenSSL client context: the system
// store plus the check's `tls.ca`, its client certificate, `insecure`, ALPN http/1.1,
// and the sessions to resume, one per host:port. Connections made under one
// context are never lent to a check with other settings (the pools are keyed by it).
class TlsContext final {
    Q_DISABLE_COPY_MOVE(TlsContext)
public:
    // Null with *error naming the file when a file cannot be read or holds no usable PEM data.
    static std::shared_ptr<TlsContext> create(const TlsClientConfig& tls, QString* error);
    ~TlsContext();

    // What identifies the settings: two configs with the same key share a context.
    static QString settingsKey(const TlsClientConfig& tls);

    ssl_ctx_st* native() const { return m_ctx; }
    bool verifies() const { return m_verify; }

    // The newest session the server gave for `peer` (host:port), to resume; null if none.
    ssl_session_st* session(const QString& peer) const;
    void storeSession(const QString& peer, ssl_session_st* session); // takes it
    qint64 handshakes() const { return m_handshakes; }
    qint64 resumedHandshakes() const { return m_resumed; }

private:
    friend class TlsStream;
    TlsContext() = default;

    ssl_ctx_st* m_ctx = nullptr;
    bool m_verify = true;
    QHash<QString, ssl_session_st*> m_sessions;
    qint64 m_handshakes = 0;
    qint64 m_resumed = 0;
};

// TLS over one connected non-blocking socket, driven by its owner's readiness
// notifications: nothing here blocks or waits. The socket stays the owner's.
class TlsStream final {
    Q_DISABLE_COPY_MOVE(TlsStream)
public:
    enum class Io {
        Done, // the step finished (or read/wrote *n bytes)
        WantRead, // call again when the socket is readable
        WantWrite, // call again when the socket is writable
        Closed, // the peer ended the stream (close_notify or end of file)
        Failed, // errorText() says why; errnoValue() is set for a socket error
    };

    // `host` is the URL's host: the name sent as SNI (not for an IP address) and the
    // name or address the certificate must be issued for.
    TlsStream(std::shared_ptr<TlsContext> context, int fd, const QString& host, const QString& peer);
    ~TlsStream();

    Io handshake();
    Io read(char* data, qsizetype capacity, qsizetype* n);
    Io write(const char* data, qsizetype size, qsizetype* n);
    bool hasPending() const; // decrypted or buffered bytes that a read would return without the socket

    QString errorText() const { return m_error; }
    int errnoValue() const { return m_errno; }
    bool handshakeDone() const { return m_established; }
    bool resumed() const;
    QByteArray alpn() const;
    QDateTime peerNotAfter() const { return m_notAfter; } // the leaf certificate's expiry; invalid if none
    const QString& peer() const { return m_peer; }
    void noteExpired(const QDateTime& notAfter) { m_expiredOn = notAfter; } // from verification

private:
    Io failure(int result, bool handshaking);

    std::shared_ptr<TlsContext> m_context;
    ssl_st* m_ssl = nullptr;
    QString m_peer; // host:port, whose sessions are resumed
    QString m_host;
    QString m_error;
    int m_errno = 0;
    bool m_established = false;
    QDateTime m_notAfter;
    QDateTime m_expiredOn; // an expired certificate met in verification
};

} // namespace hd
