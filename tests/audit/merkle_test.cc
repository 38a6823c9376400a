// RFC 9162 tree hashing and proofs: known answers from the RFC 6962 test vectors, agreement with
// a naive reference written straight from the RFC's recursive definitions, and rejection of every
// kind of broken proof.
#define BOOST_TEST_MODULE audit_merkle
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/ledger/merkle_proof.h"
#include "audit/ledger/merkle_tree.h"
#include "base/file.h"
#include "base/hex.h"

using namespace hallmark;
using namespace hallmark::audit;

namespace {

Hash H(const std::string& hex) {
  Bytes b = *HexDecode(hex);
  Hash h{};
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

std::vector<Hash> Hs(const nlohmann::json& arr) {
  std::vector<Hash> out;
  for (const auto& s : arr) out.push_back(H(s.get<std::string>()));
  return out;
}

nlohmann::json Vectors() {
  Bytes data = *ReadFile(std::string(HALLMARK_TEST_DATA) + "/audit/rfc6962_vectors.json");
  return nlohmann::json::parse(data.begin(), data.end());
}

std::vector<Bytes> VectorLeaves(const nlohmann::json& v) {
  std::vector<Bytes> leaves;
  for (const auto& s : v["leaves_hex"]) leaves.push_back(*HexDecode(s.get<std::string>()));
  return leaves;
}

// --- naive reference, RFC 9162 §2.1.1-2.1.4 read literally ---------------------------------
uint64_t K(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash NaiveMth(const std::vector<Bytes>& d, uint64_t lo, uint64_t hi) {
  if (hi == lo) return Sha256(ByteView());
  if (hi - lo == 1) {
    Bytes b{0x00};
    b.insert(b.end(), d[lo].begin(), d[lo].end());
    return Sha256(b);
  }
  uint64_t k = K(hi - lo);
  Hash l = NaiveMth(d, lo, lo + k), r = NaiveMth(d, lo + k, hi);
  Bytes b{0x01};
  b.insert(b.end(), l.begin(), l.end());
  b.insert(b.end(), r.begin(), r.end());
  return Sha256(b);
}

std::vector<Hash> NaivePath(const std::vector<Bytes>& d, uint64_t m, uint64_t lo, uint64_t hi) {
  if (hi - lo == 1) return {};
  uint64_t k = K(hi - lo);
  std::vector<Hash> p;
  if (m < k) {
    p = NaivePath(d, m, lo, lo + k);
    p.push_back(NaiveMth(d, lo + k, hi));
  } else {
    p = NaivePath(d, m - k, lo + k, hi);
    p.push_back(NaiveMth(d, lo, lo + k));
  }
  return p;
}

std::vector<Hash> NaiveSubproof(const std::vector<Bytes>& d, uint64_t m, uint64_t lo, uint64_t hi,
                                bool b) {
  uint64_t n = hi - lo;
  if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{NaiveMth(d, lo, hi)};
  uint64_t k = K(n);
  std::vector<Hash> p;
  if (m <= k) {
    p = NaiveSubproof(d, m, lo, lo + k, b);
    p.push_back(NaiveMth(d, lo + k, hi));
  } else {
    p = NaiveSubproof(d, m - k, lo + k, hi, false);
    p.push_back(NaiveMth(d, lo, lo + k));
  }
  return p;
}

MemoryMerkleTree TreeOf(const std::vector<Bytes>& leaves, size_t n) {
  MemoryMerkleTree t;
  for (size_t i = 0; i < n; ++i) t.AppendEntry(leaves[i]);
  return t;
}

std::vector<Bytes> RandomLeaves(std::mt19937_64& rng, size_t n) {
  std::vector<Bytes> out(n);
  for (auto& b : out) {
    b.resize(rng() % 40);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(known_answer_roots_and_nodes) {
  auto v = Vectors();
  auto leaves = VectorLeaves(v);
  BOOST_TEST(HexEncode(ByteView(EmptyTreeHash().data(), 32)) == v["empty_root"].get<std::string>());
  MemoryMerkleTree tree;
  CompactRange range;
  for (size_t n = 1; n <= leaves.size(); ++n) {
    tree.AppendEntry(leaves[n - 1]);
    range.Append(HashLeaf(leaves[n - 1]));
    Hash want = H(v["roots"][n - 1].get<std::string>());
    BOOST_TEST((tree.Root() == want), "root of size " << n);
    BOOST_TEST((range.Root() == want), "compact root of size " << n);
  }
  for (size_t level = 0; level < v["node_hashes"].size(); ++level) {
    for (size_t i = 0; i < v["node_hashes"][level].size(); ++i) {
      BOOST_TEST((*tree.PerfectNode(int(level), i) == H(v["node_hashes"][level][i])));
    }
  }
}

BOOST_AUTO_TEST_CASE(known_answer_proofs) {
  auto v = Vectors();
  auto leaves = VectorLeaves(v);
  for (const auto& c : v["inclusion"]) {
    uint64_t index = c["index"], size = c["size"];
    auto tree = TreeOf(leaves, size);
    auto want = Hs(c["proof"]);
    BOOST_TEST((*InclusionProof(tree, index, size) == want), "inclusion " << index << "/" << size);
    Hash root = H(v["roots"][size - 1]);
    BOOST_TEST(VerifyInclusion(index, size, HashLeaf(leaves[index]), want, root).ok());
  }
  for (const auto& c : v["consistency"]) {
    uint64_t m = c["size1"], n = c["size2"];
    auto tree = TreeOf(leaves, n);
    auto want = Hs(c["proof"]);
    BOOST_TEST((*ConsistencyProof(tree, m, n) == want), "consistency " << m << "->" << n);
    BOOST_TEST(VerifyConsistency(m, n, want, H(v["roots"][m - 1]), H(v["roots"][n - 1])).ok());
  }
}

BOOST_AUTO_TEST_CASE(matches_naive_reference_on_random_sizes) {
  std::mt19937_64 rng(20261124);
  std::vector<uint64_t> sizes;
  for (uint64_t n = 1; n <= 40; ++n) sizes.push_back(n);
  for (int i = 0; i < 8; ++i) sizes.push_back(41 + rng() % 600);
  for (uint64_t n : sizes) {
    auto leaves = RandomLeaves(rng, n);
    auto tree = TreeOf(leaves, n);
    CompactRange range;
    for (const auto& l : leaves) range.Append(HashLeaf(l));
    Hash root = NaiveMth(leaves, 0, n);
    BOOST_TEST_REQUIRE((tree.Root() == root), "root of size " << n);
    BOOST_TEST_REQUIRE((range.Root() == root), "compact root of size " << n);
    for (int probe = 0; probe < 6; ++probe) {
      uint64_t m = rng() % n;
      auto proof = *InclusionProof(tree, m, n);
      BOOST_TEST_REQUIRE((proof == NaivePath(leaves, m, 0, n)), "path " << m << "/" << n);
      BOOST_TEST_REQUIRE(VerifyInclusion(m, n, HashLeaf(leaves[m]), proof, root).ok());
      uint64_t old_size = 1 + rng() % n;
      auto cproof = *ConsistencyProof(tree, old_size, n);
      BOOST_TEST_REQUIRE((cproof == NaiveSubproof(leaves, old_size, 0, n, true)),
                         "proof " << old_size << "->" << n);
      Status st = VerifyConsistency(old_size, n, cproof, NaiveMth(leaves, 0, old_size), root);
      BOOST_TEST_REQUIRE(st.ok(), st.ToString());
    }
  }
}

BOOST_AUTO_TEST_CASE(compact_range_reports_completed_subtrees) {
  std::mt19937_64 rng(7);
  auto leaves = RandomLeaves(rng, 37);
  auto tree = TreeOf(leaves, leaves.size());
  CompactRange range;
  int reported = 0;
  for (const auto& l : leaves) {
    range.Append(HashLeaf(l), [&](int level, uint64_t index, const Hash& h) {
      BOOST_TEST((*tree.PerfectNode(level, index) == h));
      ++reported;
    });
  }
  BOOST_TEST(reported == 37 - 3);  // n minus popcount(n) interior perfect nodes
  std::vector<Hash> nodes;
  for (auto p : CompactRange::Positions(37)) nodes.push_back(*tree.PerfectNode(p.level, p.index));
  auto rebuilt = *CompactRange::FromNodes(37, nodes);
  BOOST_TEST((rebuilt.Root() == tree.Root()));
  BOOST_TEST(!CompactRange::FromNodes(37, {}).ok());
}

BOOST_AUTO_TEST_CASE(broken_inclusion_proofs_are_rejected) {
  std::mt19937_64 rng(99);
  for (uint64_t n : {1u, 2u, 3u, 5u, 8u, 13u, 64u, 100u}) {
    auto leaves = RandomLeaves(rng, n);
    auto tree = TreeOf(leaves, n);
    Hash root = tree.Root();
    for (uint64_t m = 0; m < n; m += (n > 16 ? 7 : 1)) {
      Hash leaf = HashLeaf(leaves[m]);
      auto proof = *InclusionProof(tree, m, n);
      BOOST_TEST_REQUIRE(VerifyInclusion(m, n, leaf, proof, root).ok());
      auto rejects = [&](uint64_t i, uint64_t s, const Hash& l, const std::vector<Hash>& p,
                         const Hash& r, const char* what) {
        BOOST_TEST(!VerifyInclusion(i, s, l, p, r).ok(), what << " accepted at " << m << "/" << n);
      };
      if (m > 0) rejects(m - 1, n, leaf, proof, root, "index - 1");
      if (m + 1 < n) rejects(m + 1, n, leaf, proof, root, "index + 1");
      if ((m ^ 2) < n) rejects(m ^ 2, n, leaf, proof, root, "index ^ 2");
      rejects(n, n, leaf, proof, root, "index = size");
      rejects(m, 0, leaf, proof, root, "size 0");
      rejects(m, n * 2, leaf, proof, root, "size * 2");
      if (n / 2 > m && n > 1) rejects(m, n / 2, leaf, proof, root, "size / 2");
      rejects(m, n, HashLeaf(ByteView("wrong leaf")), proof, root, "wrong leaf");
      rejects(m, n, leaf, proof, EmptyTreeHash(), "empty root");
      auto extended = proof;
      extended.push_back(root);
      rejects(m, n, leaf, extended, root, "trailing root");
      auto prefixed = proof;
      prefixed.insert(prefixed.begin(), root);
      rejects(m, n, leaf, prefixed, root, "preceding root");
      if (!proof.empty()) {
        rejects(m, n, leaf, {proof.begin(), proof.end() - 1}, root, "truncated");
        for (size_t i = 0; i < proof.size(); ++i) {
          auto flipped = proof;
          flipped[i][i % 32] ^= 0x08;
          rejects(m, n, leaf, flipped, root, "flipped bit");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(broken_consistency_proofs_are_rejected) {
  std::mt19937_64 rng(4242);
  auto leaves = RandomLeaves(rng, 70);
  auto tree = TreeOf(leaves, 70);
  for (uint64_t n : {2u, 3u, 7u, 8u, 9u, 31u, 70u}) {
    Hash root2 = NaiveMth(leaves, 0, n);
    for (uint64_t m = 1; m < n; m += (n > 16 ? 5 : 1)) {
      Hash root1 = NaiveMth(leaves, 0, m);
      auto proof = *ConsistencyProof(tree, m, n);
      BOOST_TEST_REQUIRE(VerifyConsistency(m, n, proof, root1, root2).ok());
      auto rejects = [&](uint64_t a, uint64_t b, const std::vector<Hash>& p, const Hash& r1,
                         const Hash& r2, const char* what) {
        BOOST_TEST(!VerifyConsistency(a, b, p, r1, r2).ok(),
                   what << " accepted at " << m << "->" << n);
      };
      if (m > 1) rejects(m - 1, n, proof, root1, root2, "size1 - 1");
      rejects(m + 1, n, proof, root1, root2, "size1 + 1");
      if ((m ^ 2) != 0) rejects(m ^ 2, n, proof, root1, root2, "size1 ^ 2");
      rejects(m, n * 2, proof, root1, root2, "size2 * 2");
      rejects(m, n / 2 > m ? n / 2 : m - 1 + (m == 1 ? 1 : 0), proof, root1, root2, "size2 / 2");
      rejects(m, n, proof, EmptyTreeHash(), root2, "wrong root1");
      rejects(m, n, proof, root1, EmptyTreeHash(), "wrong root2");
      rejects(m, n, proof, root2, root1, "swapped roots");
      rejects(m, n, {}, root1, root2, "empty proof");
      rejects(0, n, proof, root1, root2, "size 0");
      rejects(n, m, proof, root1, root2, "shrinking log");
      auto ext = proof;
      ext.push_back(root2);
      rejects(m, n, ext, root1, root2, "trailing root2");
      auto pre = proof;
      pre.insert(pre.begin(), proof[0]);
      rejects(m, n, pre, root1, root2, "preceding proof[0]");
      rejects(m, n, {proof.begin(), proof.end() - 1}, root1, root2, "truncated");
      for (size_t i = 0; i < proof.size(); ++i) {
        auto flipped = proof;
        flipped[i][0] ^= 0x10;
        rejects(m, n, flipped, root1, root2, "flipped bit");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(size_zero_and_out_of_range_requests_are_errors) {
  auto tree = TreeOf({Bytes{1}, Bytes{2}, Bytes{3}}, 3);
  BOOST_TEST(!ConsistencyProof(tree, 0, 3).ok());
  BOOST_TEST(!ConsistencyProof(tree, 0, 0).ok());
  BOOST_TEST(!ConsistencyProof(tree, 4, 3).ok());
  BOOST_TEST(!InclusionProof(tree, 3, 3).ok());
  BOOST_TEST(!InclusionProof(tree, 0, 0).ok());
  // Even with matching empty roots, "consistent with the empty tree" is never a proof.
  BOOST_TEST(!VerifyConsistency(0, 0, {}, EmptyTreeHash(), EmptyTreeHash()).ok());
  BOOST_TEST(!VerifyConsistency(0, 3, {}, EmptyTreeHash(), tree.Root()).ok());
  BOOST_TEST(VerifyConsistency(3, 3, {}, tree.Root(), tree.Root()).ok());
  BOOST_TEST(!VerifyConsistency(3, 3, {tree.Root()}, tree.Root(), tree.Root()).ok());
  BOOST_TEST(!VerifyConsistency(3, 3, {}, tree.Root(), EmptyTreeHash()).ok());
}
