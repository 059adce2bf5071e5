#pragma once

#include "config/configsection.h"

namespace hd::configparse {

// services: and their checks (thresholds, conditions, the probe and its settings), and the redis: servers
// that redis checks name.
class CheckParser final : public ConfigSection {
public:
    using ConfigSection::ConfigSection;

    void parseRedisServers(const YamlField& field);
    void parseServices(const YamlField& field);

private:
    void parseCheck(const YamlNode& node, ServiceConfig& svc, QHash<QString, SourceLocation>& names);
    void parseConditions(const YamlField& field, CheckConfig& c);
    void parseHttp(const YamlField& field, CheckConfig& c);
    void parsePrometheus(const YamlField& field, CheckConfig& c);
    void parseRedisProbe(const YamlField& field, CheckConfig& c);
    void parseTcp(const YamlField& field, CheckConfig& c);
    void parseFile(const YamlField& field, CheckConfig& c);
    void parseExec(const YamlField& field, CheckConfig& c);
};

} // namespace hd::configparse
