#include <gtest/gtest.h>

#include "util/op_tester.h"

namespace mace {
namespace test {

TEST(IdentityTest, CopiesFloatAndInt) {
  OpTester t("Identity");
  std::vector<float> x = RandomFloats(2 * 3 * 5);
  t.Input({2, 3, 5}, x);
  ASSERT_TRUE(t.Run().ok());
  EXPECT_EQ(t.Output().shape(), (Shape{2, 3, 5}));
  ExpectAllClose(t.OutputFloats(), x, 0, 0);

  OpTester u("Identity");
  u.InputInt64({3}, {7, -1, 9}).OutputType(0, DataType::DT_INT64);
  ASSERT_TRUE(u.Run().ok());
  EXPECT_EQ(u.OutputInt64(), (std::vector<int64_t>{7, -1, 9}));
}

TEST(IdentityTest, MissingInputIsAnError) {
  OpTester t("Identity");
  t.NoInput();
  MaceStatus s = t.Run();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.information().find("needs one input"), std::string::npos);
}

}  // namespace test
}  // namespace mace
