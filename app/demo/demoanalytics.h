#pragma once

#include "demo/demoservice.h"

namespace hd {

// A FastAPI-style analytics service: /healthcheck/ answers {"status":"success","data":{"health":"ok"}}
// or 500 {"status":"error","error":...}; /healthcheck/detailed adds
// "checks": {name: {status, response_time_ms, details}}.
class DemoAnalytics final : public DemoService {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DemoAnalytics)

public:
    explicit DemoAnalytics(QObject* parent = nullptr);
};

} // namespace hd
