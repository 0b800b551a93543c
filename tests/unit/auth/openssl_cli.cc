#include "tests/unit/auth/openssl_cli.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gw::auth::testing {
namespace {

std::string digestFlag(const std::string& alg) { return "-sha" + alg.substr(2); }

std::size_t coordinateSize(const std::string& alg) {
  return alg == "ES256" ? 32 : alg == "ES384" ? 48 : 66;
}

// DER ECDSA-Sig-Value -> R || S, each left-padded to `size` bytes.
std::string derToRaw(const std::string& der, std::size_t size) {
  std::size_t pos = 0;
  auto byte = [&]() { return static_cast<unsigned char>(der.at(pos++)); };
  auto length = [&]() -> std::size_t {
    std::size_t len = byte();
    if (len == 0x81) {
      len = byte();
    }
    return len;
  };
  EXPECT_EQ(byte(), 0x30);
  length();
  std::string raw;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(byte(), 0x02);
    std::size_t len = length();
    std::string value = der.substr(pos, len);
    pos += len;
    while (value.size() > size && value.front() == '\0') {
      value.erase(0, 1);
    }
    raw += std::string(size - value.size(), '\0') + value;
  }
  return raw;
}

std::string hexToBytes(std::string hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "gw-auth-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string run(const std::string& command) {
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen failed: " << command;
    return {};
  }
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    out.append(buffer, n);
  }
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ADD_FAILURE() << "command failed: " << command;
    return {};
  }
  return out;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), std::streamsize(data.size()));
}

std::string toHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

std::string b64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8 |
                       (unsigned char)bytes[i + 2];
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (bytes.size() - i == 1) {
    const unsigned v = (unsigned char)bytes[i] << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63]};
  } else if (bytes.size() - i == 2) {
    const unsigned v = (unsigned char)bytes[i] << 16 | (unsigned char)bytes[i + 1] << 8;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63]};
  }
  return out;
}

KeyFiles generateKey(const TempDir& dir, const std::string& name, const std::string& kind) {
  KeyFiles files{dir.file(name + ".key.pem"), dir.file(name + ".pub.pem")};
  std::string options;
  if (kind == "RSA") {
    options = "-algorithm RSA -pkeyopt rsa_keygen_bits:2048";
  } else if (kind == "ED25519") {
    options = "-algorithm ED25519";
  } else {
    options = "-algorithm EC -pkeyopt ec_paramgen_curve:" + kind;
  }
  run("openssl genpkey " + options + " -out " + files.privatePem);
  run("openssl pkey -in " + files.privatePem + " -pubout -out " + files.publicPem);
  return files;
}

std::string signJws(const TempDir& dir, const std::string& alg, const std::string& keyOrSecret,
                    std::string_view input) {
  static int counter = 0;
  const std::string in = dir.file("in" + std::to_string(counter));
  const std::string sig = dir.file("sig" + std::to_string(counter++));
  writeFile(in, input);
  const std::string family = alg.substr(0, 2);
  if (family == "HS") {
    run("openssl dgst " + digestFlag(alg) + " -mac HMAC -macopt hexkey:" + toHex(keyOrSecret) +
        " -binary -out " + sig + " " + in);
  } else if (family == "RS") {
    run("openssl dgst " + digestFlag(alg) + " -sign " + keyOrSecret + " -out " + sig + " " + in);
  } else if (family == "PS") {
    run("openssl dgst " + digestFlag(alg) + " -sign " + keyOrSecret +
        " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -out " + sig + " " + in);
  } else if (family == "ES") {
    run("openssl dgst " + digestFlag(alg) + " -sign " + keyOrSecret + " -out " + sig + " " + in);
    return derToRaw(readFile(sig), coordinateSize(alg));
  } else {  // EdDSA
    run("openssl pkeyutl -sign -rawin -inkey " + keyOrSecret + " -in " + in + " -out " + sig);
  }
  return readFile(sig);
}

std::string makeJwt(const TempDir& dir, const nlohmann::json& header, const nlohmann::json& payload,
                    const std::string& keyOrSecret) {
  const std::string input = b64url(header.dump()) + "." + b64url(payload.dump());
  const std::string alg = header.at("alg").get<std::string>();
  return input + "." + b64url(signJws(dir, alg, keyOrSecret, input));
}

nlohmann::json publicJwk(const KeyFiles& key, const std::string& kind, const std::string& kid) {
  if (kind == "RSA") {
    std::string modulus = run("openssl rsa -pubin -in " + key.publicPem + " -noout -modulus");
    modulus = modulus.substr(modulus.find('=') + 1);
    while (!modulus.empty() && (modulus.back() == '\n' || modulus.back() == '\r')) {
      modulus.pop_back();
    }
    return {{"kty", "RSA"}, {"kid", kid}, {"n", b64url(hexToBytes(modulus))}, {"e", "AQAB"}};
  }
  // The SubjectPublicKeyInfo DER ends with the raw public key (04||X||Y, or the 32-byte key).
  const std::string der = run("openssl pkey -pubin -in " + key.publicPem + " -outform DER");
  if (kind == "ED25519") {
    return {{"kty", "OKP"},
            {"crv", "Ed25519"},
            {"kid", kid},
            {"x", b64url(der.substr(der.size() - 32))}};
  }
  const std::size_t size = kind == "P-256" ? 32 : kind == "P-384" ? 48 : 66;
  const std::string point = der.substr(der.size() - 2 * size);
  return {{"kty", "EC"},
          {"crv", kind},
          {"kid", kid},
          {"x", b64url(point.substr(0, size))},
          {"y", b64url(point.substr(size))}};
}

}  // namespace gw::auth::testing
