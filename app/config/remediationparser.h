#pragma once

#include "config/configsection.h"

#include <memory>

namespace hd::configparse {

// remediate: of a service or a check, and the check that an action to remediate with has an admin: entry.
class RemediationParser final : public ConfigSection {
public:
    using ConfigSection::ConfigSection;

    std::shared_ptr<const RemediationConfig> parseRemediate(const YamlField& field, const QString& service);
    void checkRemediations();
};

} // namespace hd::configparse
