// The stack lock (stack_lock.h) against the in-memory fake swarm: taking it is a create the
// engine refuses when the name exists, renewals and take-overs are updates with the inspected
// Version.Index, and the deploy holds it from before it reads the live stack to the end.

#include "backends/swarm/stack_lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "backends/swarm/fake_swarm.h"

namespace stackc::swarm {
namespace {

using nlohmann::json;
using testing::FakeSwarm;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

class StackLockTest : public ::testing::Test {
 protected:
  std::unique_ptr<EngineStackLock> lock(std::string host, int pid,
                                        std::chrono::seconds lease = std::chrono::seconds(60),
                                        std::chrono::milliseconds wait = {}) {
    StackLockOptions options;
    options.host = std::move(host);
    options.pid = pid;
    options.lease = lease;
    options.wait = wait;
    options.poll = std::chrono::milliseconds(20);
    options.alive = [this](int pid) { return pid != m_dead_pid; };
    return std::make_unique<EngineStackLock>(m_swarm.factory()(), std::move(options));
  }
  std::optional<json> lease() { return m_swarm.object("configs", "web_stackc-lock"); }

  FakeSwarm m_swarm;
  int m_dead_pid = -1;
};

TEST_F(StackLockTest, ASecondHolderIsRefusedWithTheFirstOnesNameUntilItIsReleased) {
  auto first = lock("ci-1", 100);
  ASSERT_TRUE(first->acquire("web"));
  auto held = lease();
  ASSERT_TRUE(held);
  json labels = (*held)["Spec"]["Labels"];
  EXPECT_EQ(labels["io.stackc.lock"], "web");
  EXPECT_EQ(labels["io.stackc.lock.host"], "ci-1");
  EXPECT_EQ(labels["io.stackc.lock.pid"], "100");
  // Not a stack object: no namespace label, so diff, prune and rm never see it.
  EXPECT_FALSE(labels.contains("com.docker.stack.namespace"));

  auto second = lock("ci-2", 200);
  auto refused = second->acquire("web");
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error(),
              MatchesRegex("stack web is being deployed by ci-1 \\(pid 100\\) since "
                           "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"));
  EXPECT_FALSE(second->held());
  EXPECT_EQ((*lease())["Version"]["Index"], (*held)["Version"]["Index"]);  // untouched

  first->release();
  EXPECT_FALSE(lease());
  ASSERT_TRUE(second->acquire("web"));
  EXPECT_EQ((*lease())["Spec"]["Labels"]["io.stackc.lock.host"], "ci-2");
  EXPECT_TRUE(lock("ci-1", 100)->acquire("api"));  // another stack's lock is another lease
}

TEST_F(StackLockTest, AWaiterTakesTheLeaseWhenTheHolderLetsGo) {
  auto first = lock("ci-1", 100);
  ASSERT_TRUE(first->acquire("web"));
  std::thread holder([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    first->release();
  });
  auto second = lock("ci-2", 200, std::chrono::seconds(60), std::chrono::seconds(10));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(second->acquire("web"));
  holder.join();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  EXPECT_EQ((*lease())["Spec"]["Labels"]["io.stackc.lock.pid"], "200");

  // A waiter gives up after its timeout with the holder's name.
  auto third = lock("ci-3", 300, std::chrono::seconds(60), std::chrono::milliseconds(100));
  auto refused = third->acquire("web");
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error(), HasSubstr("by ci-2 (pid 200)"));
}

TEST_F(StackLockTest, AnExpiredLeaseIsTakenOverAndItsFormerHolderLearnsItLostIt) {
  auto first = lock("ci-1", 100, std::chrono::seconds(0));  // expires at once
  ASSERT_TRUE(first->acquire("web"));
  auto second = lock("ci-2", 200);
  ASSERT_TRUE(second->acquire("web"));
  EXPECT_EQ((*lease())["Spec"]["Labels"]["io.stackc.lock.host"], "ci-2");
  EXPECT_FALSE(first->renew());
  first->release();  // not its lease any more: left alone
  ASSERT_TRUE(lease());
  EXPECT_EQ((*lease())["Spec"]["Labels"]["io.stackc.lock.host"], "ci-2");
}

TEST_F(StackLockTest, ALeaseOfAProcessOfThisHostThatIsGoneIsTakenOver) {
  auto crashed = lock("ci-1", 100);
  ASSERT_TRUE(crashed->acquire("web"));
  auto other_host = lock("ci-2", 200);
  EXPECT_FALSE(other_host->acquire("web"));  // cannot know whether pid 100 of ci-1 is alive
  m_dead_pid = 100;
  auto same_host = lock("ci-1", 101);
  ASSERT_TRUE(same_host->acquire("web"));
  EXPECT_EQ((*lease())["Spec"]["Labels"]["io.stackc.lock.pid"], "101");
}

TEST_F(StackLockTest, RenewMovesTheExpiryWithTheVersionIndex) {
  auto holder = lock("ci-1", 100, std::chrono::seconds(3));
  ASSERT_TRUE(holder->acquire("web"));
  json before = *lease();
  EXPECT_TRUE(holder->renew());  // a third of the lease has not passed: nothing sent
  EXPECT_EQ((*lease())["Version"]["Index"], before["Version"]["Index"]);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE(holder->renew());
  json after = *lease();
  EXPECT_GT(after["Version"]["Index"], before["Version"]["Index"]);
  EXPECT_GE(std::stoll(after["Spec"]["Labels"]["io.stackc.lock.expires"].get<std::string>()),
            std::stoll(before["Spec"]["Labels"]["io.stackc.lock.expires"].get<std::string>()) + 1);
  EXPECT_EQ(after["Spec"]["Labels"]["io.stackc.lock.since"],
            before["Spec"]["Labels"]["io.stackc.lock.since"]);

  // `stackc unlock` removes it; the holder finds out at its next renewal.
  auto engine = m_swarm.engine();
  auto read = read_lock(engine, "web");
  ASSERT_TRUE(read && *read);
  EXPECT_EQ((*read)->host, "ci-1");
  EXPECT_EQ(remove_lock(engine, "web"), true);
  EXPECT_EQ(remove_lock(engine, "web"), false);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_FALSE(holder->renew());
}

}  // namespace
}  // namespace stackc::swarm
