#pragma once

#include "config/configsection.h"

namespace hd::configparse {

// sources: (alertmanager), each a service of its own with one check that reads its alerts.
class SourceParser final : public ConfigSection {
public:
    using ConfigSection::ConfigSection;

    void parseSources(const YamlField& field);

private:
    void parseAlertMap(const YamlField& field, AlertmanagerSourceConfig& src);
};

} // namespace hd::configparse
