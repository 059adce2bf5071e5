#pragma once

#include "config/configsection.h"

namespace hd::configparse {

// admin: the admin API of each service (base url, preset, auth, actions), and read_only.
class AdminParser final : public ConfigSection {
public:
    using ConfigSection::ConfigSection;

    void parseAdmin(const YamlField& field);

private:
    static QUrl baseUrlOf(const ServiceConfig& svc);
    void parseAdminAuth(const YamlField& field, AdminServiceConfig& a);
    void parseActions(const YamlField& field, AdminServiceConfig& a);
    void parseParams(const YamlField& field, AdminActionConfig& action);
};

} // namespace hd::configparse
