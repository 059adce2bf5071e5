#pragma once

#include "config/configsection.h"

namespace hd::configparse {

// calendars: (market hours: sessions and holidays in a timezone) and maintenance: windows.
class CalendarParser final : public ConfigSection {
public:
    using ConfigSection::ConfigSection;

    void parseCalendars(const YamlField& field);
    void parseMaintenance(const YamlField& field);

private:
    std::optional<QByteArray> timezone(const YamlField& field);
    QStringList targets(const YamlFields& f, QStringView key, const QString& noun, const QStringList& known);
    QDateTime dateTime(const YamlField& field, const QByteArray& zone);
};

} // namespace hd::configparse
