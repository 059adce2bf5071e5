#include "acknowledgements.h"

#include <algorithm>

namespace hd {

bool Acknowledgements::acknowledge(const Acknowledgement& ack, Status current)
{
    if (current == Status::Ok || ack.checkKey.isEmpty())
        return false;
    m_acks.insert(ack.checkKey, ack);
    return true;
}

void Acknowledgements::restore(const Acknowledgement& ack)
{
    if (!ack.checkKey.isEmpty())
        m_acks.insert(ack.checkKey, ack);
}

bool Acknowledgements::remove(const QString& checkKey)
{
    return m_acks.remove(checkKey);
}

bool Acknowledgements::onStatus(const QString& checkKey, Status effective)
{
    return effective == Status::Ok && m_acks.remove(checkKey);
}

QStringList Acknowledgements::expire(const QDateTime& utc)
{
    QStringList gone;
    for (auto it = m_acks.begin(); it != m_acks.end();) {
        if (it->isExpired(utc)) {
            gone.append(it.key());
            it = m_acks.erase(it);
        } else {
            ++it;
        }
    }
    gone.sort();
    return gone;
}

bool Acknowledgements::isAcknowledged(const QString& checkKey, const QDateTime& utc) const
{
    const auto it = m_acks.constFind(checkKey);
    return it != m_acks.cend() && !it->isExpired(utc);
}

std::optional<Acknowledgement> Acknowledgements::get(const QString& checkKey, const QDateTime& utc) const
{
    const auto it = m_acks.constFind(checkKey);
    if (it == m_acks.cend() || it->isExpired(utc))
        return std::nullopt;
    return *it;
}

QList<Acknowledgement> Acknowledgements::all() const
{
    QList<Acknowledgement> out = m_acks.values();
    std::sort(out.begin(), out.end(),
        [](const Acknowledgement& a, const Acknowledgement& b) { return a.checkKey < b.checkKey; });
    return out;
}

} // namespace hd
