// The mocks live in offline/ with the runner; the tests keep importing them from here.
export * from "../offline/mocks";
