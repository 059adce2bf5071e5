#pragma once

#include "core/status.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace hd {

struct Acknowledgement {
    QString checkKey; // "service/check", or "service/check/item"
    QString author;
    QString comment;
    QDateTime created;
    QDateTime expires; // invalid: no expiry

    bool isExpired(const QDateTime& utc) const { return expires.isValid() && expires <= utc; }
};

// Acknowledgements per check key. An acknowledgement is state only: it pauses
// nothing. It is sticky: it stays while the check keeps failing in any way
// (down, stale, unknown, degraded, starting), and goes when the check's
// effective status is ok again or when its expiry passes. An expired
// acknowledgement is ignored at once by the readers, before expire() sweeps it.
// Time is always passed in.
class Acknowledgements final {
public:
    // Refused (false) when the check is ok: there is nothing to acknowledge. A
    // new acknowledgement of the same check replaces the old one.
    bool acknowledge(const Acknowledgement& ack, Status current);
    // Loads a stored acknowledgement without judging it (startup, reload).
    void restore(const Acknowledgement& ack);
    bool remove(const QString& checkKey);

    // Feed the check's effective status (after thresholds). Returns true when
    // this cleared an acknowledgement (the check recovered to ok).
    bool onStatus(const QString& checkKey, Status effective);
    // Removes the acknowledgements whose expiry has passed; returns their keys, sorted.
    QStringList expire(const QDateTime& utc);

    bool isAcknowledged(const QString& checkKey, const QDateTime& utc) const;
    std::optional<Acknowledgement> get(const QString& checkKey, const QDateTime& utc) const;
    // Every stored acknowledgement, expired ones included until expire() runs; sorted by key.
    QList<Acknowledgement> all() const;
    qsizetype size() const { return m_acks.size(); }

private:
    QHash<QString, Acknowledgement> m_acks;
};

} // namespace hd
