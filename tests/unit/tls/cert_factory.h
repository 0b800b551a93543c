#pragma once

#include <string>

namespace gw::tls::testing {

/// Generates a throwaway PKI with the `openssl` CLI in a fresh temporary directory (removed by
/// the destructor): CA, server certificates for two names, client certificates (good, from
/// another CA, expired). Used only by tests.
class CertFactory {
 public:
  CertFactory();
  ~CertFactory();

  /// Empty on success; otherwise the failing command.
  const std::string& error() const { return error_; }
  std::string path(const std::string& file) const { return dir_ + "/" + file; }
  /// Runs a shell command in the directory; returns its stdout, or sets error().
  std::string run(const std::string& command);

 private:
  void generate();
  void makeCa(const std::string& name, const std::string& cn);
  void makeLeaf(const std::string& name, const std::string& ca, const std::string& subject,
                const std::string& extensions);

  std::string dir_;
  std::string error_;
};

}  // namespace gw::tls::testing
