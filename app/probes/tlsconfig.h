#pragma once

#include "config/config.h"

#include <QSslConfiguration>
#include <QString>

namespace hd {

// Applies a check's `tls:` block to a copy of the default TLS configuration:
// the extra CA bundle (trusted beside the system store), the client certificate
// and key, and an explicit `insecure`. Returns false with a message naming the
// file when a file cannot be read or holds no usable PEM data.
bool applyTlsClientConfig(const TlsClientConfig& tls, QSslConfiguration& ssl, QString* error);

// Reads one of the `tls:` files whole; false with "cannot read PATH: why" in *error.
bool readTlsFile(const QString& path, QByteArray* data, QString* error);

} // namespace hd
