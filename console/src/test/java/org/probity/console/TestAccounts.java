package org.probity.console;

import java.util.List;
import org.probity.console.auth.Account;
import org.probity.console.auth.Passwords;
import org.probity.console.auth.Role;

/** The tests' accounts; few hash iterations, since they protect nothing. */
final class TestAccounts {
  static final String PASSWORD = "jiancha-2026!";
  static final Account OPERATOR = new Account("zhangmin", "张敏", Role.OPERATOR,
      Passwords.hash(PASSWORD.toCharArray(), 1000));
  static final Account READER = new Account("guest", "来访领导", Role.READ_ONLY,
      Passwords.hash(PASSWORD.toCharArray(), 1000));
  static final Account OWNER = new Account("lihua", "李华", Role.RULE_OWNER,
      Passwords.hash(PASSWORD.toCharArray(), 1000));
  static final List<Account> ALL = List.of(OPERATOR, READER, OWNER);

  private TestAccounts() {}
}
