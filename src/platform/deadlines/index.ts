export { Deadlines, type Deadline, type DeadlineHandler, type DeadlinesTickReport, type ScheduleInput, type TransactionRunner } from './deadlines';
