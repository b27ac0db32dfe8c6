package dev.tapegrad.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToyTasksTest {

    private static int[] ids(String s) {
        return TokenVocabulary.encode(s);
    }

    @Test
    void vocabularyRoundTrips() {
        assertEquals("^0123456789+-*|$_", TokenVocabulary.decode(ids("^0123456789+-*|$_")));
        assertArrayEquals(ids("007"), TokenVocabulary.digits(7, 3));
        assertEquals(9, TokenVocabulary.digitValue(TokenVocabulary.digit(9)));
        assertThrows(IllegalArgumentException.class, () -> TokenVocabulary.digits(1234, 3));
        assertThrows(IllegalArgumentException.class, () -> TokenVocabulary.encode("a"));
    }

    @Test
    void reverseRewardsByHand() {
        AnswerTask exact = new AnswerTask("rev", java.util.List.of(new AnswerTask.Item(ids("^123|"), ids("321"))), 4);
        assertEquals(1.0, exact.reward(0, ids("321$")));
        assertEquals(1.0, exact.reward(0, ids("321$99")), "tokens after EOS are ignored");
        assertEquals(0.0, exact.reward(0, ids("322$")));
        assertEquals(0.0, exact.reward(0, ids("3210")), "no EOS: truncated");
        assertEquals(0.0, exact.reward(0, ids("32$")));
        AnswerTask partial = new AnswerTask("rev", java.util.List.of(new AnswerTask.Item(ids("^123|"), ids("321"))), 5).withPartialCredit(true);
        assertEquals(1.0, partial.reward(0, ids("321$")));
        assertEquals(3 / 4.0, partial.reward(0, ids("121$")));
        assertEquals(3 / 5.0, partial.reward(0, ids("3219$")), "one token too many");
        assertEquals(2 / 4.0, partial.reward(0, ids("32$")), "3 tokens against 4, two right");
        assertEquals(0.0, partial.reward(0, ids("$")));
    }

    @Test
    void digitTasksHaveTheRightAnswers() {
        AnswerTask rev = ToyTasks.reverseDigits(4, 20, 3);
        AnswerTask sort = ToyTasks.sortDigits(4, 20, 3);
        for (int i = 0; i < 20; i++) {
            String q = TokenVocabulary.decode(rev.prompt(i));
            assertTrue(q.matches("\\^\\d{4}\\|"), q);
            assertEquals(new StringBuilder(q.substring(1, 5)).reverse().toString(), TokenVocabulary.decode(rev.answer(i)));
            char[] digits = TokenVocabulary.decode(sort.prompt(i)).substring(1, 5).toCharArray();
            Arrays.sort(digits);
            assertEquals(new String(digits), TokenVocabulary.decode(sort.answer(i)));
            int[] right = Arrays.copyOf(rev.answer(i), 5);
            right[4] = TokenVocabulary.EOS;
            assertEquals(1.0, rev.reward(i, right));
        }
        assertEquals(6, rev.promptLength());
        assertEquals(5, rev.maxCompletionLength());
    }

    @Test
    void arithmeticAnswersAreTheResults() {
        AnswerTask t = ToyTasks.arithmetic(2, new int[] {TokenVocabulary.PLUS, TokenVocabulary.MINUS, TokenVocabulary.TIMES}, 60, 5);
        Set<Character> ops = new HashSet<>();
        for (int i = 0; i < t.poolSize(); i++) {
            String q = TokenVocabulary.decode(t.prompt(i));
            assertTrue(q.matches("\\^\\d\\d[-+*]\\d\\d\\|"), q);
            int a = Integer.parseInt(q.substring(1, 3)), b = Integer.parseInt(q.substring(4, 6));
            char op = q.charAt(3);
            ops.add(op);
            int expected = op == '+' ? a + b : op == '-' ? a - b : a * b;
            assertTrue(expected >= 0, q);
            assertEquals(Integer.toString(expected), TokenVocabulary.decode(t.answer(i)), q);
        }
        assertEquals(3, ops.size());
        assertEquals(5, t.maxCompletionLength()); // 99·99 = 9801 has 4 digits, + EOS
    }

    @Test
    void targetSumRewardsByHand() {
        TargetSum exact = new TargetSum(3, new int[] {10});
        assertEquals("^10|", TokenVocabulary.decode(exact.prompt(0)));
        assertEquals(1.0, exact.reward(0, ids("145$")));
        assertEquals(1.0, exact.reward(0, ids("901$")));
        assertEquals(0.0, exact.reward(0, ids("144$")));
        assertEquals(0.0, exact.reward(0, ids("1450")), "no EOS");
        assertEquals(0.0, exact.reward(0, ids("19$")), "too few digits");
        assertEquals(0.0, exact.reward(0, ids("1+9$")), "not digits");
        TargetSum partial = new TargetSum(3, new int[] {10}).withPartialCredit(true);
        assertEquals(1 - 1 / 27.0, partial.reward(0, ids("144$")), 1e-15);
        assertEquals(1 - 17 / 27.0, partial.reward(0, ids("999$")), 1e-15);
        assertEquals(0.0, partial.reward(0, ids("99$")));
        assertThrows(IllegalArgumentException.class, () -> new TargetSum(2, new int[] {19}));
    }

    @Test
    void poolsAreDistinctAndBounded() {
        TargetSum ts = ToyTasks.targetSum(2, 3, 12, 10, 1);
        Set<Integer> targets = new HashSet<>();
        for (int i = 0; i < ts.poolSize(); i++) targets.add(ts.target(i));
        assertEquals(10, targets.size(), "all ten targets 3..12");
        AnswerTask rev = ToyTasks.reverseDigits(2, 100, 1);
        Set<String> prompts = new HashSet<>();
        for (int i = 0; i < rev.poolSize(); i++) prompts.add(TokenVocabulary.decode(rev.prompt(i)));
        assertEquals(100, prompts.size());
        assertThrows(IllegalArgumentException.class, () -> ToyTasks.reverseDigits(2, 101, 1));
        assertThrows(IllegalArgumentException.class, () -> ToyTasks.targetSum(2, 0, 19, 3, 1));
    }
}
