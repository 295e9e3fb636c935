/**
 * Webhook bodies in the shapes Tencent Cloud Chat posts, built from the field tables in
 * `shared/reference/tencent-chat.md` §5 (docs 1047/68952, 1047/68953, 1047/34365, 269/2661).
 * Every documented field is present, with the kinds of values the console sends (empty
 * `CloudCustomData`, `EventTime` in milliseconds, `MsgTime` in seconds).
 */

/** The SDKAppID the fixtures were sent for. */
export const FIXTURE_SDK_APP_ID = 1400000000;

/** `Bot.OnC2CMessage`: a user sends a text message to a robot (§5.3). */
export const botC2CTextMessage = {
  CallbackCommand: 'Bot.OnC2CMessage',
  From_Account: 'user_alice',
  To_Account: '@RBT#001',
  MsgSeq: 48374,
  MsgRandom: 2837546,
  MsgTime: 1557481126,
  MsgKey: '48374_2837546_1557481126',
  MsgId: '144115233406643804-1557481126-2837546',
  OnlineOnlyFlag: 0,
  SendMsgResult: 0,
  ErrorInfo: 'send msg succeed',
  UnreadMsgNum: 1,
  MsgBody: [
    {
      MsgType: 'TIMTextElem',
      MsgContent: { Text: 'What is the weather in Shenzhen tomorrow?' },
    },
  ],
  CloudCustomData: '',
  EventTime: 1557481126320,
};

/** The `Data` of an interrupt (§6.1 `src: 22`) for the bot reply `48375_1181204215_1557481130`. */
export const interruptData = '{"chatbotPlugin":2,"src":22,"msgKey":"48375_1181204215_1557481130"}';

/**
 * `Bot.OnC2CMessage` carrying the interrupt custom message the official TUIKit sends
 * (online-only, one `TIMCustomElem`), §6.1.
 */
export const botC2CInterruptMessage = {
  CallbackCommand: 'Bot.OnC2CMessage',
  From_Account: 'user_alice',
  To_Account: '@RBT#001',
  MsgSeq: 48376,
  MsgRandom: 93827451,
  MsgTime: 1557481133,
  MsgKey: '48376_93827451_1557481133',
  MsgId: '144115233406643804-1557481133-93827451',
  OnlineOnlyFlag: 1,
  SendMsgResult: 0,
  ErrorInfo: 'send msg succeed',
  UnreadMsgNum: 0,
  MsgBody: [
    {
      MsgType: 'TIMCustomElem',
      MsgContent: { Data: interruptData, Desc: '', Ext: '', Sound: '' },
    },
  ],
  CloudCustomData: '',
  EventTime: 1557481133074,
};

/** `Bot.OnGroupMessage`: a user @-mentions robot `@RBT#001` in a public group (§5.4). */
export const botGroupMessage = {
  CallbackCommand: 'Bot.OnGroupMessage',
  GroupId: '@TGS#2J4SZEAEL',
  Type: 'Public',
  From_Account: 'user_alice',
  Operator_Account: 'user_alice',
  Random: 2837546,
  MsgSeq: 321,
  MsgTime: 1557481126,
  OnlineOnlyFlag: 0,
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: '@@RBT#001 hello' } }],
  AtRobots_Account: ['@RBT#001'],
  CloudCustomData: '',
  EventTime: 1557481126451,
};

/** `C2C.CallbackAfterSendMsg`: the robot's own REST `sendmsg`, echoed back (§5.6). */
export const c2cAfterSendMessage = {
  CallbackCommand: 'C2C.CallbackAfterSendMsg',
  From_Account: '@RBT#001',
  To_Account: 'user_alice',
  MsgSeq: 1,
  MsgRandom: 3141592653,
  MsgTime: 1557481127,
  MsgKey: '1_3141592653_1557481127',
  MsgId: '144115233406643805-1557481127-3141592653',
  OnlineOnlyFlag: 0,
  SendMsgResult: 0,
  ErrorInfo: 'send msg succeed',
  UnreadMsgNum: 2,
  MsgBody: [
    {
      MsgType: 'TIMCustomElem',
      MsgContent: {
        Data: '{"chatbotPlugin":2,"src":2,"chunks":[],"isFinished":0,"typingText":"Thinking..."}',
        Desc: '',
        Ext: '',
        Sound: '',
      },
    },
  ],
  CloudCustomData: '',
  EventTime: 1557481127202,
};

/** `Group.CallbackAfterSendMsg`: a message that @-mentions everyone and `user_bob` (§5.6). */
export const groupAfterSendMessage = {
  CallbackCommand: 'Group.CallbackAfterSendMsg',
  GroupId: '@TGS#2J4SZEAEL',
  Type: 'Public',
  From_Account: 'user_alice',
  Operator_Account: 'user_alice',
  Random: 123456789,
  MsgSeq: 322,
  MsgId: '144115233406643804-1557481140-123456789',
  MsgTime: 1557481140,
  OnlineOnlyFlag: 0,
  MsgBody: [
    { MsgType: 'TIMTextElem', MsgContent: { Text: '@all @user_bob lunch?' } },
    { MsgType: 'TIMFaceElem', MsgContent: { Index: 1, Data: 'smile' } },
  ],
  CloudCustomData: '{"thread":"lunch"}',
  EventTime: 1557481140015,
  GroupAtInfo: [
    { GroupAtAllFlag: 1, GroupAt_Account: '' },
    { GroupAtAllFlag: 0, GroupAt_Account: 'user_bob' },
  ],
  TopicId: '',
};
