#include "flapping.h"

#include <bit>

namespace hd {

namespace {

constexpr int kSlots = 20;
constexpr quint32 kSlotMask = (1u << kSlots) - 1;

// Weights in units of 0.02: the slot of age k (0 = newest) weighs 59 - k, i.e.
// 1.18 down to 0.80. Share = 100 * sum * 0.02 / 20 percent = sum / 10 percent.
int weightedTenths(quint32 changes)
{
    int sum = 0;
    for (; changes; changes &= changes - 1)
        sum += 59 - std::countr_zero(changes);
    return sum;
}

} // namespace

FlapDetector::FlapDetector(double lowPercent, double highPercent)
    : m_low(lowPercent)
    , m_high(highPercent)
{
}

void FlapDetector::setThresholds(double lowPercent, double highPercent)
{
    m_low = lowPercent;
    m_high = highPercent;
}

void FlapDetector::reset()
{
    m_changes = 0;
    m_tenths = 0;
    m_observed = 0;
    m_last = Status::Starting;
    m_flapping = false;
}

FlapDetector::Change FlapDetector::feed(Status status)
{
    if (m_observed == 0) {
        // The first result has nothing to differ from.
        m_observed = 1;
        m_last = status;
        return Change::None;
    }
    if (m_observed <= kSlots)
        ++m_observed;
    m_changes = ((m_changes << 1) | (status != m_last ? 1u : 0u)) & kSlotMask;
    m_last = status;
    m_tenths = quint16(weightedTenths(m_changes));

    // Compare in tenths so that 30 % is exactly 300, whatever the float rounding.
    const double tenths = m_tenths;
    if (!m_flapping && tenths > m_high * 10.0) {
        m_flapping = true;
        return Change::Started;
    }
    if (m_flapping && tenths < m_low * 10.0) {
        m_flapping = false;
        return Change::Stopped;
    }
    return Change::None;
}

} // namespace hd
