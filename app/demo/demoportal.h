#pragma once

#include "demo/demoservice.h"

namespace hd {

// A Django-style web portal: /health/ping (plain "ok"), /health/live, /health/ready and
// /health/startup answering {"status": ..., "checks": {"database": true, ...}} with 200 or 503.
class DemoPortal final : public DemoService {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoPortal)

public:
    explicit DemoPortal(QObject* parent = nullptr);
};

} // namespace hd
