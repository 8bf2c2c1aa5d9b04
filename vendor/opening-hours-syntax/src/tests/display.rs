use alloc::string::ToString;

use rstest::rstest;

use crate::Parser;
use crate::parser::parse;
use crate::rules::OpeningHoursExpression;
use crate::tests::parser_no_warn;

#[rstest]
#[case("2020, 2021 10:00-16:00")]
#[case("Jun 7+Tu")]
// Offset on variable times require parenthesis to avoid abiguity
#[case("(sunrise-00:10)-(sunset+01:15)")]
#[case("(sunrise-00:10)-sunset")]
#[case("sunrise-(sunset+01:15)")]
#[case("PH -1 days 17:00-02:00")]
fn display_stable(mut parser_no_warn: Parser, #[case] example: &str) {
    assert_eq!(
        parser_no_warn
            .parse(example)
            .expect("invalid example")
            .to_string(),
        example,
    );
}

#[rstest]
// Doesn't add 'Mo-Su' in an additional rule if a year selector is set
#[case("2020, 10:00-16:00", "2020, Mo-Su 10:00-16:00")]
// Used to display an invalid expression as '/' can only follow ranges
#[case("1975-1975/7", "1975")]
#[case("week02-02/7", "week02")]
// Hide hours when it is null
#[case("12:00-14:00/01:30", "12:00-14:00/01:30")]
#[case("12:00-14:00/00:30", "12:00-14:00/30")]
// A space after the comma of a weekday or holiday list keeps the list (as in opening_hours.js)
#[case(
    "Mo-Tu, Th-Sa 12:00-13:30, 19:30-21:00",
    "Mo-Tu,Th-Sa 12:00-13:30,19:30-21:00"
)]
#[case("Mo, We, Fr 10:00-12:00", "Mo,We,Fr 10:00-12:00")]
#[case("Sa, PH off", "Sa,PH closed")]
#[case("PH, Su 10:00-12:00", "PH,Su 10:00-12:00")]
#[case("We, week 01-53/2 Sa 10:00-12:00", "We, week01-53/2 Sa 10:00-12:00")]
// A comma after a time still separates an additional rule
#[case("Mo-Fr 08:00-12:00, We 14:00-18:00", "Mo-Fr 08:00-12:00, We 14:00-18:00")]
fn display_modified(#[case] example: OpeningHoursExpression, #[case] displayed_expected: &str) {
    assert_eq!(
        example.to_string(),
        displayed_expected,
        "displayed expression differs from expected",
    );

    assert_eq!(
        parse(displayed_expected)
            .expect("invalid expected expression")
            .to_string(),
        displayed_expected,
        "expected expression differs from its display",
    );
}
