#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "tests/unit/tls/cert_factory.h"

namespace gw::tls::testing {

/// Generates the PKI once per test binary (key generation is the slow part).
class TlsTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    if (!certs_) {
      certs_ = std::make_unique<CertFactory>();
    }
  }
  static void TearDownTestSuite() {}
  void SetUp() override {
    ASSERT_EQ(certs_->error(), "") << "certificate generation failed (see openssl.log)";
  }
  static std::string path(const std::string& file) { return certs_->path(file); }
  static CertFactory& certs() { return *certs_; }

  static inline std::unique_ptr<CertFactory> certs_;
};

}  // namespace gw::tls::testing
