#pragma once

#include "status.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace hd {

// One firing alert of an `alertmanager:` source, as its API reported it (an entry of ProbeResult::items).
struct AlertFacts {
    QString source; // the source's name
    QString fingerprint;
    QString service; // from the source's map: the first of its service labels present
    QString check; // alertname, or the map's check label
    QString instance;
    QString group;
    QString severity; // the severity label as written
    QString summary; // summary or description annotation
    QString generatorUrl;
    QDateTime startsAt;
    QMap<QString, QString> labels;
    QStringList silencedBy; // silence ids
    QString silence; // "by AUTHOR until TIME: COMMENT", when the silence could be read
    QStringList inhibitedBy; // fingerprints
    bool stale = false; // the source could not be read; this is the alert as last seen
    QString staleReason;
};

// What one run of one probe saw, before any judgement. Probes fill it; the
// evaluator (health/) turns it into a status. Value type: copied freely.
struct ProbeResult {
    // How the exchange ended, independent of what the body says.
    enum class Outcome {
        Completed, // a response (any HTTP status), a connect, an exit code, a value
        Refused, // connection refused / host unreachable / DNS failure -> down
        Timeout, // the hard timeout fired -> down
        TlsError, // handshake or certificate failure -> down
        BodyTooLarge, // the body passed the cap and was abandoned -> down
        ProtocolError, // garbage where a protocol was expected, reset mid-reply -> down
        AuthRejected, // 401/403 or NOAUTH/WRONGPASS/NOPERM -> unknown
        Misconfigured, // the probe could not run as configured (bad db index, WRONGTYPE, no such binary) -> unknown
        Missing, // a heartbeat key that does not exist or has expired -> stale
        NotRun, // never got its turn: every connection to its host was busy until the run ended -> unknown
    };

    Outcome outcome = Outcome::Completed;
    bool connected = false; // [CONNECTED]
    int status = 0; // [STATUS]: HTTP status code, or the exit code of an exec probe
    double latencyMs = 0; // [RESPONSE_TIME], measured on a monotonic clock
    QByteArray body; // [BODY]
    QByteArray contentType;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString ip; // [IP]: the peer address actually used
    std::optional<qint64> ttlMs; // [TTL]: Redis PTTL; -1 means no expiry
    // [CERTIFICATE_EXPIRATION]: how long the server's certificate is still valid, in ms (https);
    // negative once it has expired
    std::optional<qint64> certificateExpirationMs;
    QString error; // human-readable cause for a non-Completed outcome, or stderr of exec
    QDateTime finishedAt; // wall clock, UTC

    // A status the probe itself can already vouch for (exec exit code, Redis INFO
    // replication, file checks). The evaluator combines it with the body and the
    // conditions; hintDetail explains it.
    std::optional<Status> statusHint;
    QString hintDetail;

    // A pattern probe (Redis SCAN) yields one row per key: item names the key,
    // and each row is judged on its own.
    QString item;
    QList<ProbeResult> items;

    // One series of a `prometheus:` query (an entry of items): [VALUE] and [LABELS].name.
    std::optional<double> seriesValue;
    QMap<QString, QString> seriesLabels; // __name__ included when the series has one

    std::shared_ptr<const AlertFacts> alert; // set on the items of an alertmanager source

    bool completed() const { return outcome == Outcome::Completed; }
};

QString outcomeName(ProbeResult::Outcome outcome);

// "certificate expires in 12 days", "certificate expired 3 days ago": ProbeResult::certificateExpirationMs in words.
QString certificateExpiryText(qint64 msUntilExpiry);

} // namespace hd
