import"./chunk.73S35ZUP.js";var Se,$,ct,En,oe,at,dt,pt,Ne,_e,pe,mt,$e,Oe,qe,Rn,ve={},Te=[],Dn=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,xe=Array.isArray;function te(e,t){for(var n in t)e[n]=t[n];return e}function Ve(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function In(e,t,n){var s,u,a,d={};for(a in t)a=="key"?s=t[a]:a=="ref"?u=t[a]:d[a]=t[a];if(arguments.length>2&&(d.children=arguments.length>3?Se.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(a in e.defaultProps)d[a]===void 0&&(d[a]=e.defaultProps[a]);return be(e,d,s,u,null)}function be(e,t,n,s,u){var a={type:e,props:t,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:u??++ct,__i:-1,__u:0};return u==null&&$.vnode!=null&&$.vnode(a),a}function ee(e){return e.children}function we(e,t){this.props=e,this.context=t}function ae(e,t){if(t==null)return e.__?ae(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?ae(e):null}function An(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,s=[],u=[],a=te({},t);a.__v=t.__v+1,$.vnode&&$.vnode(a),Le(e.__P,a,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,s,n??ae(t),!!(32&t.__u),u),a.__v=t.__v,a.__.__k[a.__i]=a,_t(s,a,u),t.__e=t.__=null,a.__e!=n&&ft(a)}}function ft(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),ft(e)}function it(e){(!e.__d&&(e.__d=!0)&&oe.push(e)&&!ke.__r++||at!=$.debounceRendering)&&((at=$.debounceRendering)||dt)(ke)}function ke(){try{for(var e,t=1;oe.length;)oe.length>t&&oe.sort(pt),e=oe.shift(),t=oe.length,An(e)}finally{oe.length=ke.__r=0}}function gt(e,t,n,s,u,a,d,c,l,i,p){var g,r,m,v,_,h,w=s&&s.__k||Te,b=t.length;for(l=Fn(n,t,w,l,b),g=0;g<b;g++)(m=n.__k[g])!=null&&(r=m.__i!=-1&&w[m.__i]||ve,m.__i=g,h=Le(e,m,r,u,a,d,c,l,i,p),v=m.__e,m.ref&&r.ref!=m.ref&&(r.ref&&Ue(r.ref,null,m),p.push(m.ref,m.__c||v,m)),_==null&&v!=null&&(_=v),4&m.__u?(l=yt(m,l,e),r.__e&&(r.__e=null)):typeof m.type=="function"&&h!==void 0?l=h:v&&(l=v.nextSibling),m.__u&=-7);return n.__e=_,l}function Fn(e,t,n,s,u){var a,d,c,l,i,p=n.length,g=p,r=0;for(e.__k=new Array(u),a=0;a<u;a++)(d=t[a])!=null&&typeof d!="boolean"&&typeof d!="function"?(typeof d=="string"||typeof d=="number"||typeof d=="bigint"||d.constructor==String?d=e.__k[a]=be(null,d,null,null,null):xe(d)?d=e.__k[a]=be(ee,{children:d},null,null,null):d.constructor===void 0&&d.__b>0?d=e.__k[a]=be(d.type,d.props,d.key,d.ref?d.ref:null,d.__v):e.__k[a]=d,l=a+r,d.__=e,d.__b=e.__b+1,c=null,(i=d.__i=Pn(d,n,l,g))!=-1&&(g--,(c=n[i])&&(c.__u|=2)),c==null||c.__v==null?(i==-1&&(u>p?r--:u<p&&r++),typeof d.type!="function"&&(d.__u|=4)):i!=l&&(i==l-1?r--:i==l+1?r++:(i>l?r--:r++,d.__u|=4))):e.__k[a]=null;if(g)for(a=0;a<p;a++)(c=n[a])!=null&&(2&c.__u)==0&&(c.__e==s&&(s=ae(c)),wt(c,c));return s}function yt(e,t,n){var s,u;if(typeof e.type=="function"){for(s=e.__k,u=0;s&&u<s.length;u++)s[u]&&(s[u].__=e,t=yt(s[u],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=ae(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Pn(e,t,n,s){var u,a,d,c=e.key,l=e.type,i=t[n],p=i!=null&&(2&i.__u)==0;if(i===null&&c==null||p&&c==i.key&&l==i.type)return n;if(s>(p?1:0)){for(u=n-1,a=n+1;u>=0||a<t.length;)if((i=t[d=u>=0?u--:a++])!=null&&(2&i.__u)==0&&c==i.key&&l==i.type)return d}return-1}function ut(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Dn.test(t)?n:n+"px"}function he(e,t,n,s,u){var a,d;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof s=="string"&&(e.style.cssText=s=""),s)for(t in s)n&&t in n||ut(e.style,t,"");if(n)for(t in n)s&&n[t]==s[t]||ut(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")a=t!=(t=t.replace(mt,"$1")),d=t.toLowerCase(),t=d in e||t=="onFocusOut"||t=="onFocusIn"?d.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+a]=n,n?s?n[pe]=s[pe]:(n[pe]=$e,e.addEventListener(t,a?qe:Oe,a)):e.removeEventListener(t,a?qe:Oe,a);else{if(u=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function lt(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[_e]==null)t[_e]=$e++;else if(t[_e]<n[pe])return;return n($.event?$.event(t):t)}}}function Le(e,t,n,s,u,a,d,c,l,i){var p,g,r,m,v,_,h,w,b,T,F,P,L,y,E,f,k=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(l=!!(32&n.__u),a=[c=t.__e=n.__e]),(p=$.__b)&&p(t);e:if(typeof k=="function"){g=d.length;try{if(b=t.props,T=k.prototype&&k.prototype.render,F=(p=k.contextType)&&s[p.__c],P=p?F?F.props.value:p.__:s,n.__c?w=(r=t.__c=n.__c).__=r.__E:(T?t.__c=r=new k(b,P):(t.__c=r=new we(b,P),r.constructor=k,r.render=Mn),F&&F.sub(r),r.state||(r.state={}),r.__n=s,m=r.__d=!0,r.__h=[],r._sb=[]),T&&r.__s==null&&(r.__s=r.state),T&&k.getDerivedStateFromProps!=null&&(r.__s==r.state&&(r.__s=te({},r.__s)),te(r.__s,k.getDerivedStateFromProps(b,r.__s))),v=r.props,_=r.state,r.__v=t,m)T&&k.getDerivedStateFromProps==null&&r.componentWillMount!=null&&r.componentWillMount(),T&&r.componentDidMount!=null&&r.__h.push(r.componentDidMount);else{if(T&&k.getDerivedStateFromProps==null&&b!==v&&r.componentWillReceiveProps!=null&&r.componentWillReceiveProps(b,P),t.__v==n.__v||!r.__e&&r.shouldComponentUpdate!=null&&r.shouldComponentUpdate(b,r.__s,P)===!1){t.__v!=n.__v&&(r.props=b,r.state=r.__s,r.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(q){q&&(q.__=t)}),Te.push.apply(r.__h,r._sb),r._sb=[],r.__h.length&&d.push(r),c=ae(n);break e}r.componentWillUpdate!=null&&r.componentWillUpdate(b,r.__s,P),T&&r.componentDidUpdate!=null&&r.__h.push(function(){r.componentDidUpdate(v,_,h)})}if(r.context=P,r.props=b,r.__P=e,r.__e=!1,L=$.__r,y=0,T)r.state=r.__s,r.__d=!1,L&&L(t),p=r.render(r.props,r.state,r.context),Te.push.apply(r.__h,r._sb),r._sb=[];else do r.__d=!1,L&&L(t),p=r.render(r.props,r.state,r.context),r.state=r.__s;while(r.__d&&++y<25);r.state=r.__s,r.getChildContext!=null&&(s=te(te({},s),r.getChildContext())),T&&!m&&r.getSnapshotBeforeUpdate!=null&&(h=r.getSnapshotBeforeUpdate(v,_)),E=p!=null&&p.type===ee&&p.key==null?bt(p.props.children):p,c=gt(e,xe(E)?E:[E],t,n,s,u,a,d,c,l,i),r.base=t.__e,t.__u&=-161,r.__h.length&&d.push(r),w&&(r.__E=r.__=null)}catch(q){if(d.length=g,t.__v=null,l||a!=null){if(q.then){for(t.__u|=l?160:128;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;a!=null&&(a[a.indexOf(c)]=null),t.__e=c}else if(a!=null)for(f=a.length;f--;)Ve(a[f])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),q.then||ht(t),$.__e(q,t,n)}}else a==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):c=t.__e=Cn(n.__e,t,n,s,u,a,d,l,i);return(p=$.diffed)&&p(t),128&t.__u?void 0:c}function ht(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(ht))}function _t(e,t,n){for(var s=0;s<n.length;s++)Ue(n[s],n[++s],n[++s]);$.__c&&$.__c(t,e),e.some(function(u){try{e=u.__h,u.__h=[],e.some(function(a){a.call(u)})}catch(a){$.__e(a,u.__v)}})}function bt(e){return typeof e!="object"||e==null||e.__b>0?e:xe(e)?e.map(bt):e.constructor!==void 0?null:te({},e)}function Cn(e,t,n,s,u,a,d,c,l){var i,p,g,r,m,v,_,h=n.props||ve,w=t.props,b=t.type;if(b=="svg"?u="http://www.w3.org/2000/svg":b=="math"?u="http://www.w3.org/1998/Math/MathML":u||(u="http://www.w3.org/1999/xhtml"),a!=null){for(i=0;i<a.length;i++)if((m=a[i])&&"setAttribute"in m==!!b&&(b?m.localName==b:m.nodeType==3)){e=m,a[i]=null;break}}if(e==null){if(b==null)return document.createTextNode(w);e=document.createElementNS(u,b,w.is&&w),c&&($.__m&&$.__m(t,a),c=!1),a=null}if(b==null)h===w||c&&e.data==w||(e.data=w);else{if(a=b=="textarea"&&w.defaultValue!=null?null:a&&Se.call(e.childNodes),!c&&a!=null)for(h={},i=0;i<e.attributes.length;i++)h[(m=e.attributes[i]).name]=m.value;for(i in h)m=h[i],i=="dangerouslySetInnerHTML"?g=m:i=="children"||i in w||i=="value"&&"defaultValue"in w||i=="checked"&&"defaultChecked"in w||he(e,i,null,m,u);for(i in w)m=w[i],i=="children"?r=m:i=="dangerouslySetInnerHTML"?p=m:i=="value"?v=m:i=="checked"?_=m:c&&typeof m!="function"||h[i]===m||he(e,i,m,h[i],u);if(p)c||g&&(p.__html==g.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[];else if(g&&(e.innerHTML=""),gt(t.type=="template"?e.content:e,xe(r)?r:[r],t,n,s,b=="foreignObject"?"http://www.w3.org/1999/xhtml":u,a,d,a?a[0]:n.__k&&ae(n,0),c,l),a!=null)for(i=a.length;i--;)Ve(a[i]);c&&b!="textarea"||(i="value",b=="progress"&&v==null?e.removeAttribute("value"):v!=null&&(v!==e[i]||b=="progress"&&!v||b=="option"&&v!=h[i])&&he(e,i,v,h[i],u),i="checked",_!=null&&_!=e[i]&&he(e,i,_,h[i],u))}return e}function Ue(e,t,n){try{if(typeof e=="function"){var s=typeof e.__u=="function";s&&e.__u(),s&&t==null||(e.__u=e(t))}else e.current=t}catch(u){$.__e(u,n)}}function wt(e,t,n){var s,u;if($.unmount&&$.unmount(e),(s=e.ref)&&(s.current&&s.current!=e.__e||Ue(s,null,t)),(s=e.__c)!=null){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(a){$.__e(a,t)}s.base=s.__P=s.__n=null}if(s=e.__k)for(u=0;u<s.length;u++)s[u]&&wt(s[u],t,n||typeof e.type!="function");n||Ve(e.__e),e.__c=e.__=e.__e=void 0}function Mn(e,t,n){return this.constructor(e,n)}function vt(e,t,n){var s,u,a,d;t==document&&(t=document.documentElement),$.__&&$.__(e,t),u=(s=typeof n=="function")?null:n&&n.__k||t.__k,a=[],d=[],Le(t,e=(!s&&n||t).__k=In(ee,null,[e]),u||ve,ve,t.namespaceURI,!s&&n?[n]:u?null:t.firstChild?Se.call(t.childNodes):null,a,!s&&n?n:u?u.__e:t.firstChild,s,d),_t(a,e,d),e.props.children=null}Se=Te.slice,$={__e:function(e,t,n,s){for(var u,a,d;t=t.__;)if((u=t.__c)&&!u.__)try{if((a=u.constructor)&&a.getDerivedStateFromError!=null&&(u.setState(a.getDerivedStateFromError(e)),d=u.__d),u.componentDidCatch!=null&&(u.componentDidCatch(e,s||{}),d=u.__d),d)return u.__E=u}catch(c){e=c}throw e}},ct=0,En=function(e){return e!=null&&e.constructor===void 0},we.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=te({},this.state),typeof e=="function"&&(e=e(te({},n),this.props)),e&&te(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),it(this))},we.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),it(this))},we.prototype.render=ee,oe=[],dt=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,pt=function(e,t){return e.__v.__b-t.__v.__b},ke.__r=0,Ne=Math.random().toString(8),_e="__d"+Ne,pe="__a"+Ne,mt=/(PointerCapture)$|Capture$/i,$e=0,Oe=lt(!1),qe=lt(!0),Rn=0;var me,H,je,Tt,Re=0,At=[],B=$,kt=B.__b,St=B.__r,xt=B.diffed,Et=B.__c,Rt=B.unmount,Dt=B.__;function He(e,t){B.__h&&B.__h(H,e,Re||t),Re=0;var n=H.__H||(H.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function D(e){return Re=1,Nn(Pt,e)}function Nn(e,t,n){var s=He(me++,2);if(s.t=e,!s.__c&&(s.__=[n?n(t):Pt(void 0,t),function(c){var l=s.__N?s.__N[0]:s.__[0],i=s.t(l,c);l!==i&&(s.__N=[i,s.__[1]],s.__c.setState({}))}],s.__c=H,!H.__f)){var u=function(c,l,i){if(!s.__c.__H)return!0;var p=!1,g=s.__c.props!==c;if(s.__c.__H.__.some(function(m){if(m.__N){p=!0;var v=m.__[0];m.__=m.__N,m.__N=void 0,v!==m.__[0]&&(g=!0)}}),a){var r=a.call(this,c,l,i);return p?r||g:r}return!p||g};H.__f=!0;var a=H.shouldComponentUpdate,d=H.componentWillUpdate;H.componentWillUpdate=function(c,l,i){if(this.__e){var p=a;a=void 0,u(c,l,i),a=p}d&&d.call(this,c,l,i)},H.shouldComponentUpdate=u}return s.__N||s.__}function Z(e,t){var n=He(me++,3);!B.__s&&Ft(n.__H,t)&&(n.__=e,n.u=t,H.__H.__h.push(n))}function De(e){return Re=5,Ge(function(){return{current:e}},[])}function Ge(e,t){var n=He(me++,7);return Ft(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function On(){for(var e;e=At.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(Ee),t.__h.some(Qe),t.__h=[]}catch(n){t.__h=[],B.__e(n,e.__v)}}}B.__b=function(e){H=null,kt&&kt(e)},B.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),Dt&&Dt(e,t)},B.__r=function(e){St&&St(e),me=0;var t=(H=e.__c).__H;t&&(je===H?(t.__h=[],H.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(Ee),t.__h.some(Qe),t.__h=[],me=0)),je=H},B.diffed=function(e){xt&&xt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(At.push(t)!==1&&Tt===B.requestAnimationFrame||((Tt=B.requestAnimationFrame)||qn)(On)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),je=H=null},B.__c=function(e,t){t.some(function(n){try{n.__h.some(Ee),n.__h=n.__h.filter(function(s){return!s.__||Qe(s)})}catch(s){t.some(function(u){u.__h&&(u.__h=[])}),t=[],B.__e(s,n.__v)}}),Et&&Et(e,t)},B.unmount=function(e){Rt&&Rt(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(s){try{Ee(s)}catch(u){t=u}}),n.__H=void 0,t&&B.__e(t,n.__v))};var It=typeof requestAnimationFrame=="function";function qn(e){var t,n=function(){clearTimeout(s),It&&cancelAnimationFrame(t),setTimeout(e)},s=setTimeout(n,35);It&&(t=requestAnimationFrame(n))}function Ee(e){var t=H,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),H=t}function Qe(e){var t=H;e.__c=e.__(),H=t}function Ft(e,t){return!e||e.length!==t.length||t.some(function(n,s){return n!==e[s]})}function Pt(e,t){return typeof t=="function"?t(e):t}var K=class extends Error{code;extensions;path;errors;constructor(t,n){let s=t[0]??{message:"The API answered with an error but gave no details."};super(s.message,n),this.name="GraphmindError",this.extensions=s.extensions??{},this.code=typeof this.extensions.code=="string"?this.extensions.code:"INTERNAL",this.path=s.path,this.errors=t}},fe=class extends K{constructor(t){super(t),this.name="BadUserInputError"}},ge=class extends K{constructor(t){super(t),this.name="UnauthenticatedError"}},Be=class extends K{constructor(t){super(t),this.name="ForbiddenError"}},We=class extends K{constructor(t){super(t),this.name="NotFoundError"}},ye=class extends K{constructor(t){super(t),this.name="ConflictError"}},ze=class extends K{retryAfter;constructor(t,n){super(t),this.name="RateLimitedError";let s=Number(this.extensions.retryAfter),u=Number(n);this.retryAfter=Number.isFinite(s)&&s>0?s:Number.isFinite(u)&&u>0?u:1}},Ke=class extends K{constructor(t){super(t),this.name="InternalError"}},Ie=class extends Error{attempts;constructor(t,n,s){super(t,s),this.name="ConnectionError",this.attempts=n}};function ce(e,t){switch(e[0]?.extensions?.code){case"BAD_USER_INPUT":case"GRAPHQL_VALIDATION_FAILED":case"GRAPHQL_PARSE_FAILED":return new fe(e);case"UNAUTHENTICATED":return new ge(e);case"FORBIDDEN":return new Be(e);case"NOT_FOUND":return new We(e);case"CONFLICT":return new ye(e);case"RATE_LIMITED":return new ze(e,t);default:return new Ke(e)}}function Ct(e){return Array.isArray(e)&&e.length>0&&e.every(t=>typeof t=="object"&&t!==null&&typeof t.message=="string")}var N=class extends String{__apiType;value;__meta__;constructor(t,n){super(t),this.value=t,this.__meta__=n}toString(){return this.value}},lr=new N(`
    fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}
    `,{fragmentName:"MessageFields"}),cr=new N(`
    fragment RunEventFields on RunEvent {
  __typename
  id
  runId
  sequence
  at
  ... on TokenEvent {
    text
    messageId
    node
  }
  ... on MessageEvent {
    node
    message {
      ...MessageFields
    }
  }
  ... on StateUpdateEvent {
    node
    update
  }
  ... on InterruptEvent {
    interruptId
    node
    value
  }
  ... on ToolEvent {
    toolCallId
    name
    phase
    node
    input
    output
    artifact
    durationMs
  }
  ... on RunStatusEvent {
    status
    error
    queuePosition
  }
}
    fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}`,{fragmentName:"RunEventFields"}),dr=new N(`
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}
    `,{fragmentName:"RunFields"}),pr=new N(`
    fragment ThreadFields on Thread {
  id
  agentId
  title
  status
  metadata
  createdAt
  updatedAt
}
    `,{fragmentName:"ThreadFields"}),mr=new N(`
    fragment MemoryFields on Memory {
  namespace
  key
  value
  version
  createdAt
  updatedAt
  expiresAt
}
    `,{fragmentName:"MemoryFields"}),fr=new N(`
    fragment DocumentFields on Document {
  id
  filename
  title
  mediaType
  sizeBytes
  characters
  chunkCount
  createdAt
}
    `,{fragmentName:"DocumentFields"}),gr=new N(`
    fragment PhaseFields on ProjectPhase {
  id
  name
  completion
  isCompleted
  isOverdue
  completedTasks
  totalTasks
}
    `,{fragmentName:"PhaseFields"}),yr=new N(`
    fragment ProjectStatusFields on ProjectStatus {
  planId
  planName
  asOf
  totalPhases
  completedPhases
  totalTasks
  completedTasks
  inProgressTasks
  blockedTasks
  notStartedTasks
  overallCompletion
  currentPhase {
    ...PhaseFields
  }
  phases {
    ...PhaseFields
  }
}
    fragment PhaseFields on ProjectPhase {
  id
  name
  completion
  isCompleted
  isOverdue
  completedTasks
  totalTasks
}`,{fragmentName:"ProjectStatusFields"}),hr=new N(`
    fragment TaskFields on ProjectTask {
  id
  name
  description
  phaseId
  priority
  status
  estimatedHours
  dependencies
  assignee
  updatedAt
}
    `,{fragmentName:"TaskFields"}),Mt=new N(`
    query Viewer {
  viewer {
    id
    roles
    anonymous
  }
}
    `),Nt=new N(`
    query Agents {
  agents {
    id
    name
    description
  }
}
    `),Ot=new N(`
    query Threads($first: Int, $after: String) {
  threads(first: $first, after: $after) {
    edges {
      node {
        ...ThreadFields
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment ThreadFields on Thread {
  id
  agentId
  title
  status
  metadata
  createdAt
  updatedAt
}`),qt=new N(`
    query Thread($id: ID!, $runs: Int) {
  thread(id: $id) {
    ...ThreadFields
    messages {
      ...MessageFields
    }
    interrupts {
      id
      value
    }
    runs(last: $runs) {
      edges {
        node {
          ...RunFields
        }
      }
    }
  }
}
    fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}
fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}
fragment ThreadFields on Thread {
  id
  agentId
  title
  status
  metadata
  createdAt
  updatedAt
}`),$t=new N(`
    query Run($id: ID!) {
  run(id: $id) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}`),Vt=new N(`
    mutation CreateThread($input: CreateThreadInput!) {
  createThread(input: $input) {
    ...ThreadFields
  }
}
    fragment ThreadFields on Thread {
  id
  agentId
  title
  status
  metadata
  createdAt
  updatedAt
}`),Lt=new N(`
    mutation SendMessage($input: SendMessageInput!) {
  sendMessage(input: $input) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}`),Ut=new N(`
    mutation CancelRun($input: CancelRunInput!) {
  cancelRun(input: $input) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}`),jt=new N(`
    mutation ResumeRun($input: ResumeRunInput!) {
  resumeRun(input: $input) {
    ...RunFields
  }
}
    fragment RunFields on Run {
  id
  threadId
  agentId
  status
  error
  lastSequence
  queuePosition
  attempts
  createdAt
  startedAt
  endedAt
}`),_r=new N(`
    subscription Chat($input: SendMessageInput!) {
  chat(input: $input) {
    ...RunEventFields
  }
}
    fragment RunEventFields on RunEvent {
  __typename
  id
  runId
  sequence
  at
  ... on TokenEvent {
    text
    messageId
    node
  }
  ... on MessageEvent {
    node
    message {
      ...MessageFields
    }
  }
  ... on StateUpdateEvent {
    node
    update
  }
  ... on InterruptEvent {
    interruptId
    node
    value
  }
  ... on ToolEvent {
    toolCallId
    name
    phase
    node
    input
    output
    artifact
    durationMs
  }
  ... on RunStatusEvent {
    status
    error
    queuePosition
  }
}
fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}`),Qt=new N(`
    subscription RunEvents($runId: ID!, $after: Int) {
  runEvents(runId: $runId, after: $after) {
    ...RunEventFields
  }
}
    fragment RunEventFields on RunEvent {
  __typename
  id
  runId
  sequence
  at
  ... on TokenEvent {
    text
    messageId
    node
  }
  ... on MessageEvent {
    node
    message {
      ...MessageFields
    }
  }
  ... on StateUpdateEvent {
    node
    update
  }
  ... on InterruptEvent {
    interruptId
    node
    value
  }
  ... on ToolEvent {
    toolCallId
    name
    phase
    node
    input
    output
    artifact
    durationMs
  }
  ... on RunStatusEvent {
    status
    error
    queuePosition
  }
}
fragment MessageFields on Message {
  id
  role
  content
  name
  toolCallId
  artifact
  toolCalls {
    id
    name
    args
  }
}`),Ht=new N(`
    mutation PutMemory($input: PutMemoryInput!) {
  putMemory(input: $input) {
    ...MemoryFields
  }
}
    fragment MemoryFields on Memory {
  namespace
  key
  value
  version
  createdAt
  updatedAt
  expiresAt
}`),Gt=new N(`
    query SearchMemories($input: SearchMemoriesInput!) {
  searchMemories(input: $input) {
    score
    memory {
      ...MemoryFields
    }
  }
}
    fragment MemoryFields on Memory {
  namespace
  key
  value
  version
  createdAt
  updatedAt
  expiresAt
}`),Bt=new N(`
    query MemoryNamespaces($prefix: [String!], $maxDepth: Int, $limit: Int) {
  memoryNamespaces(prefix: $prefix, maxDepth: $maxDepth, limit: $limit)
}
    `),Wt=new N(`
    query MemoryHistory($namespace: [String!]!, $key: String!) {
  memoryHistory(namespace: $namespace, key: $key) {
    version
    value
    change
    validFrom
    validTo
    supersededBy
  }
}
    `),zt=new N(`
    mutation UploadDocument($input: UploadDocumentInput!) {
  uploadDocument(input: $input) {
    ...DocumentFields
  }
}
    fragment DocumentFields on Document {
  id
  filename
  title
  mediaType
  sizeBytes
  characters
  chunkCount
  createdAt
}`),Ae=new N(`
    query Document($id: ID!) {
  document(id: $id) {
    ...DocumentFields
  }
}
    fragment DocumentFields on Document {
  id
  filename
  title
  mediaType
  sizeBytes
  characters
  chunkCount
  createdAt
}`),Kt=new N(`
    query Documents($first: Int) {
  documents(first: $first) {
    edges {
      node {
        ...DocumentFields
      }
    }
  }
}
    fragment DocumentFields on Document {
  id
  filename
  title
  mediaType
  sizeBytes
  characters
  chunkCount
  createdAt
}`),Jt=new N(`
    query ProjectStatus {
  projectStatus {
    ...ProjectStatusFields
  }
}
    fragment PhaseFields on ProjectPhase {
  id
  name
  completion
  isCompleted
  isOverdue
  completedTasks
  totalTasks
}
fragment ProjectStatusFields on ProjectStatus {
  planId
  planName
  asOf
  totalPhases
  completedPhases
  totalTasks
  completedTasks
  inProgressTasks
  blockedTasks
  notStartedTasks
  overallCompletion
  currentPhase {
    ...PhaseFields
  }
  phases {
    ...PhaseFields
  }
}`),Yt=new N(`
    query NextTasks($limit: Int, $allPhases: Boolean) {
  nextTasks(limit: $limit, allPhases: $allPhases) {
    ...TaskFields
  }
}
    fragment TaskFields on ProjectTask {
  id
  name
  description
  phaseId
  priority
  status
  estimatedHours
  dependencies
  assignee
  updatedAt
}`),Xt=new N(`
    query Tasks($first: Int) {
  tasks(first: $first) {
    edges {
      node {
        ...TaskFields
      }
    }
  }
}
    fragment TaskFields on ProjectTask {
  id
  name
  description
  phaseId
  priority
  status
  estimatedHours
  dependencies
  assignee
  updatedAt
}`),Zt=new N(`
    mutation UpdateTaskStatus($input: UpdateTaskStatusInput!) {
  updateTaskStatus(input: $input) {
    ...TaskFields
  }
}
    fragment TaskFields on ProjectTask {
  id
  name
  description
  phaseId
  priority
  status
  estimatedHours
  dependencies
  assignee
  updatedAt
}`),en=new N(`
    subscription ProjectStatusChanged($initial: Boolean) {
  projectStatusChanged(initial: $initial) {
    ...ProjectStatusFields
  }
}
    fragment PhaseFields on ProjectPhase {
  id
  name
  completion
  isCompleted
  isOverdue
  completedTasks
  totalTasks
}
fragment ProjectStatusFields on ProjectStatus {
  planId
  planName
  asOf
  totalPhases
  completedPhases
  totalTasks
  completedTasks
  inProgressTasks
  blockedTasks
  notStartedTasks
  overallCompletion
  currentPhase {
    ...PhaseFields
  }
  phases {
    ...PhaseFields
  }
}`);function W(e){return e===null?"null":Array.isArray(e)?"array":typeof e}function se(e){return W(e)==="object"}function $n(e){return Array.isArray(e)&&e.length>0&&e.every(t=>"message"in t)}function Je(e,t){return e.length<124?e:t}var nn="graphql-transport-ws";var J=(e=>(e[e.InternalServerError=4500]="InternalServerError",e[e.InternalClientError=4005]="InternalClientError",e[e.BadRequest=4400]="BadRequest",e[e.BadResponse=4004]="BadResponse",e[e.Unauthorized=4401]="Unauthorized",e[e.Forbidden=4403]="Forbidden",e[e.SubprotocolNotAcceptable=4406]="SubprotocolNotAcceptable",e[e.ConnectionInitialisationTimeout=4408]="ConnectionInitialisationTimeout",e[e.ConnectionAcknowledgementTimeout=4504]="ConnectionAcknowledgementTimeout",e[e.SubscriberAlreadyExists=4409]="SubscriberAlreadyExists",e[e.TooManyInitialisationRequests=4429]="TooManyInitialisationRequests",e))(J||{}),Y=(e=>(e.ConnectionInit="connection_init",e.ConnectionAck="connection_ack",e.Ping="ping",e.Pong="pong",e.Subscribe="subscribe",e.Next="next",e.Error="error",e.Complete="complete",e))(Y||{});function rn(e){if(!se(e))throw new Error(`Message is expected to be an object, but got ${W(e)}`);if(!e.type)throw new Error("Message is missing the 'type' property");if(typeof e.type!="string")throw new Error(`Message is expects the 'type' property to be a string, but got ${W(e.type)}`);switch(e.type){case"connection_init":case"connection_ack":case"ping":case"pong":{if(e.payload!=null&&!se(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object or nullish or missing, but got "${e.payload}"`);break}case"subscribe":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${W(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!se(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${W(e.payload)}`);if(typeof e.payload.query!="string")throw new Error(`"${e.type}" message payload expects the 'query' property to be a string, but got ${W(e.payload.query)}`);if(e.payload.variables!=null&&!se(e.payload.variables))throw new Error(`"${e.type}" message payload expects the 'variables' property to be a an object or nullish or missing, but got ${W(e.payload.variables)}`);if(e.payload.operationName!=null&&W(e.payload.operationName)!=="string")throw new Error(`"${e.type}" message payload expects the 'operationName' property to be a string or nullish or missing, but got ${W(e.payload.operationName)}`);if(e.payload.extensions!=null&&!se(e.payload.extensions))throw new Error(`"${e.type}" message payload expects the 'extensions' property to be a an object or nullish or missing, but got ${W(e.payload.extensions)}`);break}case"next":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${W(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!se(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an object, but got ${W(e.payload)}`);break}case"error":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${W(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);if(!$n(e.payload))throw new Error(`"${e.type}" message expects the 'payload' property to be an array of GraphQL errors, but got ${JSON.stringify(e.payload)}`);break}case"complete":{if(typeof e.id!="string")throw new Error(`"${e.type}" message expects the 'id' property to be a string, but got ${W(e.id)}`);if(!e.id)throw new Error(`"${e.type}" message requires a non-empty 'id' property`);break}default:throw new Error(`Invalid message 'type' property "${e.type}"`)}return e}function on(e,t){return rn(typeof e=="string"?JSON.parse(e,t):e)}function de(e,t){return rn(e),JSON.stringify(e,t)}function sn(e){let{url:t,connectionParams:n,lazy:s=!0,onNonLazyError:u=console.error,lazyCloseTimeout:a=0,keepAlive:d=0,disablePong:c,connectionAckWaitTimeout:l=0,retryAttempts:i=5,retryWait:p=async function(M){let x=Math.pow(2,M);await new Promise(R=>setTimeout(R,x*1e3+Math.floor(Math.random()*2700+300)))},shouldRetry:g=Ye,on:r,webSocketImpl:m,generateID:v=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,M=>{let x=Math.random()*16|0;return(M=="x"?x:x&3|8).toString(16)})},jsonMessageReplacer:_,jsonMessageReviver:h}=e,w;if(m){if(!Ln(m))throw new Error("Invalid WebSocket implementation provided");w=m}else typeof WebSocket<"u"?w=WebSocket:typeof global<"u"?w=global.WebSocket||global.MozWebSocket:typeof window<"u"&&(w=window.WebSocket||window.MozWebSocket);if(!w)throw new Error("WebSocket implementation missing; on Node you can `import WebSocket from 'ws';` and pass `webSocketImpl: WebSocket` to `createClient`");let b=w,T=(()=>{let S=(()=>{let x={};return{on(R,C){return x[R]=C,()=>{delete x[R]}},emit(R){"id"in R&&x[R.id]?.(R)}}})(),M={connecting:r?.connecting?[r.connecting]:[],opened:r?.opened?[r.opened]:[],connected:r?.connected?[r.connected]:[],ping:r?.ping?[r.ping]:[],pong:r?.pong?[r.pong]:[],message:r?.message?[S.emit,r.message]:[S.emit],closed:r?.closed?[r.closed]:[],error:r?.error?[r.error]:[]};return{onMessage:S.on,on(x,R){let C=M[x];return C.push(R),()=>{let O=C.indexOf(R);O>-1&&C.splice(O,1)}},emit(x,...R){for(let C of[...M[x]])C(...R)}}})();function F(S){let M=[T.on("error",x=>{M.forEach(R=>R()),S(x)}),T.on("closed",x=>{M.forEach(R=>R()),S(x)})];return()=>M.forEach(x=>x())}let P,L=0,y,E=!1,f=0,k=!1;async function q(){clearTimeout(y);let[S,M]=await(P??(P=new Promise((C,O)=>(async()=>{if(E){if(await p(f),!L)return P=void 0,O({code:1e3,reason:"All Subscriptions Gone"});f++}T.emit("connecting",E);let A=new b(typeof t=="function"?await t():t,nn),j,ne;function ue(){isFinite(d)&&d>0&&(clearTimeout(ne),ne=setTimeout(()=>{A.readyState===b.OPEN&&(A.send(de({type:Y.Ping})),T.emit("ping",!1,void 0))},d))}F(U=>{P=void 0,clearTimeout(j),clearTimeout(ne),O(U),U instanceof Fe&&(A.close(4499,"Terminated"),A.onerror=null,A.onclose=null)}),A.onerror=U=>T.emit("error",U),A.onclose=U=>T.emit("closed",U),A.onopen=async()=>{try{T.emit("opened",A);let U=typeof n=="function"?await n():n;if(A.readyState!==b.OPEN)return;A.send(de(U?{type:Y.ConnectionInit,payload:U}:{type:Y.ConnectionInit},_)),isFinite(l)&&l>0&&(j=setTimeout(()=>{A.close(J.ConnectionAcknowledgementTimeout,"Connection acknowledgement timeout")},l)),ue()}catch(U){T.emit("error",U),A.close(J.InternalClientError,Je(U instanceof Error?U.message:String(U),"Internal client error"))}};let re=!1;A.onmessage=({data:U})=>{try{let Q=on(U,h);if(T.emit("message",Q),Q.type==="ping"||Q.type==="pong"){T.emit(Q.type,!0,Q.payload),Q.type==="pong"?ue():c||(A.send(de(Q.payload?{type:Y.Pong,payload:Q.payload}:{type:Y.Pong},_)),T.emit("pong",!1,Q.payload));return}if(re)return;if(Q.type!==Y.ConnectionAck)throw new Error(`First message cannot be of type ${Q.type}`);clearTimeout(j),re=!0,T.emit("connected",A,Q.payload,E),E=!1,f=0;let le=new Promise((or,xn)=>F(xn));le.catch(()=>{}),C([A,le])}catch(Q){A.onmessage=null,T.emit("error",Q),A.close(J.BadResponse,Je(Q instanceof Error?Q.message:String(Q),"Bad response"))}}})())));S.readyState===b.CLOSING&&await M;let x=()=>{},R=new Promise(C=>x=C);return[S,x,new Promise((C,O)=>{let A=F(O);S.readyState!==b.OPEN&&M.catch(O),R.then(()=>{if(A(),!L){let j=()=>S.close(1e3,"Normal Closure");isFinite(a)&&a>0?(clearTimeout(y),y=setTimeout(()=>{!L&&S.readyState===b.OPEN&&j()},a)):j()}C()})})]}function I(S){if(Ye(S)&&(Vn(S.code)||[J.InternalServerError,J.InternalClientError,J.BadRequest,J.BadResponse,J.Unauthorized,J.SubprotocolNotAcceptable,J.SubscriberAlreadyExists,J.TooManyInitialisationRequests].includes(S.code)))throw S;if(k)return!1;if(Ye(S)&&S.code===1e3)return L>0;if(!i||f>=i||!g(S))throw S;return E=!0}s||(async()=>{for(L++;;)try{let[,,S]=await q();await S}catch(S){try{if(!I(S))return}catch(M){return u?.(M)}}})();function V(S,M){let x=v(S),R=!1,C=!1,O=()=>{L--,R=!0};return(async()=>{for(L++;;)try{let[A,j,ne]=await q();if(R)return ne.catch(()=>{}),j();let ue=T.onMessage(x,re=>{switch(re.type){case Y.Next:{M.next(re.payload);return}case Y.Error:{C=!0,R=!0,M.error(re.payload),O();return}case Y.Complete:{R=!0,O();return}}});A.send(de({id:x,type:Y.Subscribe,payload:S},_)),O=()=>{!R&&A.readyState===b.OPEN&&A.send(de({id:x,type:Y.Complete},_)),L--,R=!0,j()},await ne.finally(ue);return}catch(A){if(!I(A))return}})().then(()=>{C||M.complete()}).catch(A=>{M.error(A)}),()=>{R||O()}}return{on:T.on,subscribe:V,iterate(S){let M=[],x={done:!1,error:null,resolve:()=>{}},R=V(S,{next(O){M.push(O),x.resolve()},error(O){x.done=!0,x.error=O,x.resolve()},complete(){x.done=!0,x.resolve()}}),C=(async function*(){for(;;){for(M.length||await new Promise(A=>x.resolve=A);M.length;)yield M.shift();if(x.error)throw x.error;if(x.done)return}})();return C.throw=async O=>(x.done||(x.done=!0,x.error=O,x.resolve()),{done:!0,value:void 0}),C.return=async()=>(R(),{done:!0,value:void 0}),C},async dispose(){if(k=!0,P){let[S]=await P;S.close(1e3,"Normal Closure")}},terminate(){P&&T.emit("closed",new Fe)}}}var Fe=class extends Error{name="TerminatedCloseEvent";message="4499: Terminated";code=4499;reason="Terminated";wasClean=!1};function Ye(e){return se(e)&&"code"in e&&"reason"in e}function Vn(e){return[1e3,1001,1006,1005,1012,1013,1014].includes(e)?!1:e>=1e3&&e<=1999}function Ln(e){return typeof e=="function"&&"constructor"in e&&"CLOSED"in e&&"CLOSING"in e&&"CONNECTING"in e&&"OPEN"in e}function an(e){return typeof e=="object"&&e!==null}var un="x-graphql-event-stream-token";function ln(e){if(e=e,e!=="next"&&e!=="complete")throw new Error(`Invalid stream event "${e}"`);return e}function cn(e,t){if(t)try{t=JSON.parse(t)}catch{throw new Error("Invalid stream data")}if(e==="next"&&!t)throw new Error('Stream data must be an object for "next" events');return t||null}var ie;(function(e){e[e.NewLine=10]="NewLine",e[e.CarriageReturn=13]="CarriageReturn",e[e.Space=32]="Space",e[e.Colon=58]="Colon"})(ie||(ie={}));function dn(){let e,t,n,s=!1,u={event:"",data:""},a=[],d=new TextDecoder;return function(l){if(e===void 0)e=l,t=0,n=-1;else{let g=new Uint8Array(e.length+l.length);g.set(e),g.set(l,e.length),e=g}let i=e.length,p=0;for(;t<i;){s&&(e[t]===ie.NewLine&&(p=++t),s=!1);let g=-1;for(;t<i&&g===-1;++t)switch(e[t]){case ie.Colon:n===-1&&(n=t-p);break;case ie.CarriageReturn:s=!0;case ie.NewLine:g=t;break}if(g===-1)break;if(p===g){if(u.event||u.data){if(!u.event)throw new Error("Missing message event");let r=ln(u.event),m=cn(r,u.data);a.push({event:r,data:m}),u={event:"",data:""}}}else if(n>0){let r=e.subarray(p,g),m=d.decode(r.subarray(0,n)),v=n+(r[n+1]===ie.Space?2:1),_=d.decode(r.subarray(v));switch(m){case"event":u.event=_;break;case"data":u.data=u.data?u.data+`
`+_:_;break}}p=t,n=-1}if(p===i){e=void 0;let g=[...a];return a=[],g}else p!==0&&(e=e.subarray(p),t-=p)}}function mn(e){let{singleConnection:t=!1,lazy:n=!0,lazyCloseTimeout:s=0,onNonLazyError:u=console.error,generateID:a=function(){return"xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g,E=>{let f=Math.random()*16|0;return(E=="x"?f:f&3|8).toString(16)})},retryAttempts:d=5,retry:c=async function(E){let f=1e3;for(let k=0;k<E;k++)f*=2;await new Promise(k=>setTimeout(k,f+Math.floor(Math.random()*2700+300)))},credentials:l="same-origin",referrer:i,referrerPolicy:p,onMessage:g,on:r}=e,m=e.fetchFn||fetch,v=e.abortControllerImpl||AbortController,_=(()=>{let y=!1,E=[];return{get disposed(){return y},onDispose(f){return y?(setTimeout(()=>f(),0),()=>{}):(E.push(f),()=>{E.splice(E.indexOf(f),1)})},dispose(){if(!y){y=!0;for(let f of[...E])f()}}}})(),h,w,b=0,T=null,F=0;async function P(){try{if(_.disposed)throw new Error("Client has been disposed");return await(w??(w=(async()=>{var y,E,f;if(T){if(await c(F),h.signal.aborted)throw new Error("Connection aborted by the client");F++}(y=r?.connecting)===null||y===void 0||y.call(r,!!T),h=new v;let k=_.onDispose(()=>h.abort());h.signal.addEventListener("abort",()=>{k(),w=void 0});let q=e,I=typeof q.url=="function"?await q.url(void 0):q.url;if(h.signal.aborted)throw new Error("Connection aborted by the client");let V=typeof q.headers=="function"?await q.headers(void 0):(E=q.headers)!==null&&E!==void 0?E:{};if(h.signal.aborted)throw new Error("Connection aborted by the client");let S;try{S=await m(I,{signal:h.signal,method:"PUT",credentials:l,referrer:i,referrerPolicy:p,headers:V})}catch(R){throw new z(R)}if(S.status!==201)throw new z(S);let M=await S.text();V[un]=M;let x=await pn({signal:h.signal,headers:V,credentials:l,referrer:i,referrerPolicy:p,url:I,fetchFn:m,onMessage:R=>{var C;(C=r?.message)===null||C===void 0||C.call(r,R),g?.(R)}});return(f=r?.connected)===null||f===void 0||f.call(r,!!T),x.waitForThrow().catch(()=>w=void 0),x})()))}catch(y){throw w=void 0,y}}t&&!n&&(async()=>{for(b++;;)try{let{waitForThrow:y}=await P();await y()}catch(y){if(_.disposed)return;if(!(y instanceof z)||(w=void 0,!d||F>=d))return u?.(y);T=y}})();function L(y,E,f){if(!t){let I=new v,V=_.onDispose(()=>{V(),I.abort()});return(async()=>{var S,M,x,R,C;let O=null,A=0;for(;;)try{if(O){if(await c(A),I.signal.aborted)throw new Error("Connection aborted by the client");A++}(S=r?.connecting)===null||S===void 0||S.call(r,!!O),(M=f?.connecting)===null||M===void 0||M.call(f,!!O);let j=e,ne=typeof j.url=="function"?await j.url(y):j.url;if(I.signal.aborted)throw new Error("Connection aborted by the client");let ue=typeof j.headers=="function"?await j.headers(y):(x=j.headers)!==null&&x!==void 0?x:{};if(I.signal.aborted)throw new Error("Connection aborted by the client");let{getResults:re}=await pn({signal:I.signal,headers:{...ue,"content-type":"application/json; charset=utf-8"},credentials:l,referrer:i,referrerPolicy:p,url:ne,body:JSON.stringify(y),fetchFn:m,onMessage:U=>{var Q,le;(Q=r?.message)===null||Q===void 0||Q.call(r,U),(le=f?.message)===null||le===void 0||le.call(f,U),g?.(U)}});(R=r?.connected)===null||R===void 0||R.call(r,!!O),(C=f?.connected)===null||C===void 0||C.call(f,!!O);for await(let U of re())O=null,A=0,E.next(U);return I.abort()}catch(j){if(I.signal.aborted)return;if(!(j instanceof z)||!d||A>=d)throw j;O=j}})().then(()=>E.complete()).catch(S=>E.error(S)),()=>I.abort()}b++;let k=new v,q=_.onDispose(()=>{q(),k.abort()});return(async()=>{let I=a();y={...y,extensions:{...y.extensions,operationId:I}};let V=null;for(;;){V=null;try{let{url:S,headers:M,getResults:x}=await P(),R;try{R=await m(S,{signal:k.signal,method:"POST",credentials:l,referrer:i,referrerPolicy:p,headers:{...M,"content-type":"application/json; charset=utf-8"},body:JSON.stringify(y)})}catch(C){throw new z(C)}if(R.status!==202)throw new z(R);V=async()=>{let C;try{let O=new v,A=_.onDispose(()=>{A(),O.abort()});C=await m(S+"?operationId="+I,{signal:O.signal,method:"DELETE",credentials:l,referrer:i,referrerPolicy:p,headers:M})}catch(O){throw new z(O)}if(C.status!==200)throw new z(C)};for await(let C of x({signal:k.signal,operationId:I}))T=null,F=0,E.next(C);return V=null,k.abort()}catch(S){if(k.signal.aborted)return await V?.();if(!(S instanceof z)||(n&&(w=void 0),!d||F>=d))throw k.abort(),S;T=S}finally{k.signal.aborted&&--b===0&&(isFinite(s)&&s>0?setTimeout(()=>{b||h.abort()},s):h.abort())}}})().then(()=>E.complete()).catch(I=>E.error(I)),()=>k.abort()}return{subscribe:L,iterate(y,E){let f=[],k={done:!1,error:null,resolve:()=>{}},q=L(y,{next(V){f.push(V),k.resolve()},error(V){k.done=!0,k.error=V,k.resolve()},complete(){k.done=!0,k.resolve()}},E),I=(async function*(){for(;;){for(f.length||await new Promise(S=>k.resolve=S);f.length;)yield f.shift();if(k.error)throw k.error;if(k.done)return}})();return I.throw=async V=>(k.done||(k.done=!0,k.error=V,k.resolve()),{done:!0,value:void 0}),I.return=async()=>(q(),{done:!0,value:void 0}),I},dispose(){_.dispose()}}}var z=class extends Error{constructor(t){let n,s;Un(t)?(s=t,n="Server responded with "+t.status+": "+t.statusText):t instanceof Error?n=t.message:n=String(t),super(n),this.name=this.constructor.name,this.response=s}};function Un(e){return an(e)&&typeof e.ok=="boolean"&&typeof e.status=="number"&&typeof e.statusText=="string"}async function pn(e){let{signal:t,url:n,credentials:s,headers:u,body:a,referrer:d,referrerPolicy:c,fetchFn:l,onMessage:i}=e,p={},g={},r;try{r=await l(n,{signal:t,method:a?"POST":"GET",credentials:s,referrer:d,referrerPolicy:c,headers:{...u,accept:"text/event-stream"},body:a})}catch(_){throw new z(_)}if(!r.ok)throw new z(r);if(!r.body)throw new Error("Missing response body");let m=null,v;return(async()=>{var _;try{let h=dn();for await(let w of jn(r.body)){if(typeof w=="string")throw m=new Error(`Unexpected string chunk "${w}"`);let b;try{b=h(w)}catch(T){throw m=T}if(b)for(let T of b){try{i?.(T)}catch(P){throw m=P}let F=T.data&&"id"in T.data?T.data.id:"";switch(F in g||(g[F]=[]),T.event){case"next":F?g[F].push(T.data.payload):g[F].push(T.data);break;case"complete":g[F].push("complete");break;default:throw m=new Error(`Unexpected message event "${T.event}"`)}(_=p[F])===null||_===void 0||_.proceed()}}if(Object.keys(p).length)throw new Error("Connection closed while having active streams")}catch(h){!m&&Object.keys(p).length?m=new z(h):m=h,v?.(m)}finally{Object.values(p).forEach(({proceed:h})=>h())}})(),{url:n,headers:u,waitForThrow:()=>new Promise((_,h)=>{if(m)return h(m);v=h}),async*getResults(_){var h;let{signal:w,operationId:b=""}=_??{};try{for(;;){for(;!((h=g[b])===null||h===void 0)&&h.length;){let T=g[b].shift();if(T==="complete")return;yield T}if(m)throw m;if(w?.aborted)throw new Error("Getting results aborted by the client");await new Promise(T=>{let F=()=>{w?.removeEventListener("abort",F),delete p[b],T()};w?.addEventListener("abort",F),p[b]={proceed:F}})}}finally{delete g[b]}}}}function jn(e){return typeof Object(e)[Symbol.asyncIterator]=="function"?(e=e,e):(async function*(){let t=e.getReader(),n;do n=await t.read(),n.value!==void 0&&(yield n.value);while(!n.done)})()}var X=class extends Error{constructor(t,n){super(t,n),this.name="TransportDrop"}};async function fn(e){return typeof e=="function"?await e():e}function gn(e){let t=e.fetch??((i,p)=>fetch(i,p)),n=e.transport??"ws";async function s(i={}){let p=await fn(e.token);return{...e.headers,...i,...p?{authorization:`Bearer ${p}`}:{}}}async function u(i,p){let g;try{g=await t(e.url,{method:"POST",headers:await s({"content-type":"application/json",accept:"application/graphql-response+json, application/json"}),body:JSON.stringify({query:i.toString(),variables:p??{}})})}catch(r){throw new X(`Request to ${e.url} failed: ${String(r)}`,{cause:r})}return await Xe(g)}let a=n==="ws"?sn({url:e.url.replace(/^http/,"ws"),lazy:!0,retryAttempts:0,lazyCloseTimeout:1e3,connectionParams:async()=>{let i=await fn(e.token);return i?{authorization:`Bearer ${i}`}:{}},...e.webSocketImpl?{webSocketImpl:e.webSocketImpl}:{}}):void 0,d=n==="sse"?mn({url:e.url,singleConnection:!1,retryAttempts:0,headers:()=>s(),fetchFn:t}):void 0;function c(i,p){let g={query:i.toString(),variables:p??{}};return yn(r=>{let m={next:v=>{v.errors&&v.errors.length>0?r.error(ce(v.errors)):r.next(v.data)},error:v=>r.error(Gn(v)),complete:()=>r.complete()};return a?a.subscribe(g,m):d.subscribe(g,m)})}async function l(i,p,g,r){let m=new FormData,v=structuredClone(p),_={};Object.keys(g).forEach((P,L)=>{Hn(v,P,null),_[String(L)]=[`variables.${P}`]}),m.set("operations",JSON.stringify({query:i.toString(),variables:v})),m.set("map",JSON.stringify(_)),Object.values(g).forEach((P,L)=>{m.set(String(L),P,P.name??"upload")});let h=await s({"x-graphql-yoga-csrf":"1"}),w=globalThis.XMLHttpRequest;if(r&&w&&!e.fetch)return await Qn(w,e.url,h,m,r);let b;try{b=await t(e.url,{method:"POST",headers:h,body:m})}catch(P){throw new X(`Upload to ${e.url} failed: ${String(P)}`,{cause:P})}let T=await Xe(b),F=Object.values(g).reduce((P,L)=>P+L.size,0);return r?.(F,F),T}return{request:u,subscribe:c,upload:l,async close(){await a?.dispose(),d?.dispose()}}}async function Xe(e){let t=await e.text(),n;try{n=JSON.parse(t)}catch{n=void 0}if(n?.errors&&n.errors.length>0)throw ce(n.errors,e.headers.get("retry-after"));if(!e.ok||n?.data===void 0){let s=n?.error??`HTTP ${e.status}: ${t.slice(0,200)}`,u=e.status===429?"RATE_LIMITED":e.status===401?"UNAUTHENTICATED":e.status===403?"FORBIDDEN":e.status===404?"NOT_FOUND":"INTERNAL";throw ce([{message:s,extensions:{code:u}}],e.headers.get("retry-after"))}return n.data}function Qn(e,t,n,s,u){return new Promise((a,d)=>{let c=new e;c.open("POST",t);for(let[l,i]of Object.entries(n))c.setRequestHeader(l,i);c.upload.onprogress=l=>u(l.loaded,l.total),c.onerror=()=>d(new X(`Upload to ${t} failed.`)),c.onload=()=>{let l=new Response(c.responseText,{status:c.status,headers:{"retry-after":c.getResponseHeader("retry-after")??""}});Xe(l).then(a,d)},c.send(s)})}function Hn(e,t,n){let s=t.split("."),u=e;for(let a of s.slice(0,-1))u[a]??={},u=u[a];u[s.at(-1)]=n}function Gn(e){if(Ct(e))return ce(e);if(typeof e=="object"&&e!==null&&"code"in e&&"reason"in e){let{code:t,reason:n}=e;return t>=4400&&t<4500&&t!==4408&&t!==4499?ce([{message:`The server closed the connection: ${t} ${n}`,extensions:{code:t===4401||t===4403?"UNAUTHENTICATED":"BAD_USER_INPUT"}}]):new X(`The connection closed (${t}${n?` ${n}`:""}).`,{cause:e})}return new X(`The connection failed: ${e instanceof Error?e.message:String(e)}`,{cause:e})}function yn(e){let t=[],n,s=!1,u,a=()=>{let i=u;u=void 0,i?.()},d=e({next(i){s||(t.push(i),a())},error(i){s||(n={error:i},s=!0,a())},complete(){s=!0,a()}});function c(){s||(s=!0,n=void 0),t.length=0,d(),a()}let l={async next(){for(;;){if(t.length>0)return{value:t.shift(),done:!1};if(n){let{error:i}=n;throw n=void 0,i}if(s)return{value:void 0,done:!0};await new Promise(i=>u=i)}},return(){return c(),Promise.resolve({value:void 0,done:!0})},close:c,[Symbol.asyncIterator](){return l}};return l}var hn=new Set(["SUCCESS","ERROR","INTERRUPTED","CANCELLED"]);async function*_n(e,t,n={}){let s=n.retry?.attempts??8,u=n.after??0,a=0;for(;;){let d=e.subscribe(Qt,{runId:t,after:u}),c;try{for await(let l of d){let i=l.runEvents;if(!(i.sequence<=u)&&(u=i.sequence,a=0,yield i,i.__typename==="RunStatusEvent"&&hn.has(i.status)))return}c=new X("The stream ended before the run's final status.")}catch(l){if(l instanceof K)throw l;c=l}finally{d.close()}if(a++,a>s)throw new Ie(`Lost the stream of run ${t} after sequence ${u}; ${s} reconnects failed.`,a,{cause:c});n.onReconnect?.(a,c),await Bn(bn(a,n.retry))}}function bn(e,t={}){let n=t.initialDelayMs??100,s=t.maxDelayMs??5e3,u=Math.min(s,n*2**(e-1));return Math.round(u*(.75+Math.random()*.25))}function Bn(e){return new Promise(t=>setTimeout(t,e))}var Wn="query DocumentStatus($id: ID!) { document(id: $id) { status } }",zn={toString:()=>Wn};async function Ze(e,t,n={}){let s=Date.now()+(n.timeoutMs??6e5),u=n.initialDelayMs??200;for(;;){n.signal?.throwIfAborted();let a;try{a=(await e.request(zn,{id:t.id})).document.status}catch(c){if(c instanceof fe&&/status/.test(c.message)){let l={document:t,status:"READY",followed:!1};return n.onStatus?.(l),l}throw c}if(a==="READY"){let l={document:(await e.request(Ae,{id:t.id})).document,status:a,followed:!0};return n.onStatus?.(l),l}let d={document:t,status:a,followed:!0};if(n.onStatus?.(d),a==="FAILED")throw new K([{message:`Document ${JSON.stringify(t.filename)} failed to ingest.`,extensions:{code:"DOCUMENT_FAILED",documentId:t.id}}]);if(Date.now()>s)throw new Error(`Document ${t.id} still PROCESSING after ${n.timeoutMs} ms.`);await new Promise(c=>setTimeout(c,u)),u=Math.min(n.maxDelayMs??5e3,u*2)}}function et(e){let t=gn(e),n={...e.retry?{retry:e.retry}:{},...e.onReconnect?{onReconnect:e.onReconnect}:{}};function s(l,i){return t.request(Ut,{input:{runId:l,...i?{action:i}:{}}}).then(p=>p.cancelRun).catch(p=>{if(!(p instanceof ye))throw p})}function u(l,i){let p=l();p.catch(()=>{});let{signal:g,cancelAction:r,...m}=i,v=async h=>s((await p).id,h??r),_={run:p,cancel:v,async*[Symbol.asyncIterator](){let{id:h,lastSequence:w}=await p,b=()=>{v().catch(()=>{})};g?.aborted&&b(),g?.addEventListener("abort",b,{once:!0});try{yield*_n(t,h,{...n,...m})}finally{g?.removeEventListener("abort",b)}},async collect(){let h=[];for await(let b of _)h.push(b);return{text:h.map(b=>b.__typename==="TokenEvent"?b.text:"").join(""),events:h,status:h.findLast(b=>b.__typename==="RunStatusEvent")}}};return _}function a(l,i,p={}){let{agentId:g,multitaskStrategy:r,requireApproval:m,...v}=p;return u(()=>t.request(Lt,{input:{threadId:l,content:i,...g?{agentId:g}:{},...r?{multitaskStrategy:r}:{},...m!==void 0?{requireApproval:m}:{}}}).then(_=>_.sendMessage),v)}function d(l,i,p={}){return u(()=>t.request(jt,{input:{threadId:l,resume:i}}).then(g=>g.resumeRun),p)}async function*c(l){let i=0;for(;!l?.aborted;){let p=t.subscribe(en,{initial:!0}),g=()=>p.close();l?.addEventListener("abort",g,{once:!0});try{for await(let r of p)i=0,yield r.projectStatusChanged;if(l?.aborted)return}catch(r){if(!(r instanceof X)||++i>(e.retry?.attempts??8))throw r}finally{l?.removeEventListener("abort",g),p.close()}await new Promise(r=>setTimeout(r,Math.min(5e3,100*2**i)))}}return{request:t.request,subscribe:t.subscribe,chat:a,runEvents(l,i={}){let p=t.request($t,{id:l}).then(g=>g.run);return u(()=>p,i)},threads:{async create(l={}){let{createThread:i}=await t.request(Vt,{input:l});return{thread:i}},async start(l,i={}){let{title:p,metadata:g,...r}=i,{thread:m}=await this.create({...p!==void 0?{title:p}:{},...g!==void 0?{metadata:g}:{},...r.agentId!==void 0?{agentId:r.agentId}:{}});return{thread:m,stream:a(m.id,l,r)}},async get(l,i={}){return(await t.request(qt,{id:l,runs:i.runs??10})).thread},async list(l={}){return(await t.request(Ot,l)).threads}},interrupts:{approve:(l,i)=>d(l,{approved:!0},i),edit:(l,i,p)=>d(l,{edit:i},p),revise:(l,i,p)=>d(l,{approved:!1,feedback:i},p),resume:d},memories:{async put(l){return(await t.request(Ht,{input:l})).putMemory},async search(l){return(await t.request(Gt,{input:l})).searchMemories},async namespaces(l={}){return(await t.request(Bt,l)).memoryNamespaces},async history(l,i){return(await t.request(Wt,{namespace:l,key:i})).memoryHistory}},documents:{async upload(l,i={}){let{uploadDocument:p}=await t.upload(zt,{input:{file:l,...i.title?{title:i.title}:{}}},{"input.file":l},i.onProgress);return p},async uploadAndFollow(l,i={}){let p=await this.upload(l,i);return await Ze(t,p,i)},async get(l){return(await t.request(Ae,{id:l})).document}},project:{async status(){return(await t.request(Jt,{})).projectStatus},async nextTasks(l={}){return(await t.request(Yt,l)).nextTasks},async updateTask(l,i,p={}){return(await t.request(Zt,{input:{taskId:l,status:i,...p.force?{force:!0}:{}}})).updateTaskStatus},watch:(l={})=>c(l.signal)},close:()=>t.close()}}var tt="graphmind.console.token",Pe=document.body.dataset.auth==="token"?"token":"none";function nt(){return sessionStorage.getItem(tt)??void 0}function Ce(e){e?sessionStorage.setItem(tt,e):sessionStorage.removeItem(tt)}function rt(){return et({url:new URL("/graphql",location.href).href,transport:"ws",token:()=>Pe==="token"?nt():void 0})}function G(e){return e instanceof Error?`${e.name}: ${e.message}`:String(e)}var Kn=0;function o(e,t,n,s,u,a){t||(t={});var d,c,l=t;if("ref"in l)for(c in l={},t)c=="ref"?d=t[c]:l[c]=t[c];var i={type:e,props:l,key:n,ref:d,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:--Kn,__i:-1,__u:0,__source:u,__self:a};if(typeof e=="function"&&(d=e.defaultProps))for(c in d)l[c]===void 0&&(l[c]=d[c]);return $.vnode&&$.vnode(i),i}function ot(e){return typeof e=="object"&&e!==null&&e.type==="vega-lite"&&typeof e.spec=="object"}function st({spec:e}){let t=De(null),[n,s]=D();Z(()=>{let a,d=!1;return(async()=>{let[c,l]=await Promise.all([import("./chunk.YINGH4LW.js"),import("./chunk.ML55AYK3.js")]);if(d||!t.current)return;let i=l.compile(e).spec,p=new c.View(c.parse(i),{renderer:"svg",container:t.current,hover:!0});a=p,await p.runAsync()})().catch(c=>s(String(c))),()=>{d=!0,a?.finalize()}},[JSON.stringify(e)]);let u=typeof e.title=="string"?e.title:"Chart";return o("figure",{class:"chart",children:[o("div",{ref:t,role:"img","aria-label":u,"data-testid":"chart"}),n&&o("p",{role:"alert",children:["Chart failed: ",n]})]})}function wn({client:e}){let[t,n]=D([]),[s,u]=D([]),[a,d]=D(""),[c,l]=D(),[i,p]=D(),[g,r]=D(),[m,v]=D(!1),[_,h]=D(),w=De();async function b(){let f=await e.threads.list({first:50});n(f.edges.map(k=>k.node))}async function T(f){p(await e.threads.get(f,{runs:10}))}Z(()=>{b().catch(f=>h(G(f))),e.request(Nt,{}).then(f=>{u(f.agents),d(f.agents.find(k=>k.id==="assistant")?.id??f.agents[0]?.id??"")}).catch(f=>h(G(f)))},[]),Z(()=>{c?T(c).catch(f=>h(G(f))):p(void 0)},[c]);async function F(){let{thread:f}=await e.threads.create({agentId:a,title:`Console ${new Date().toLocaleTimeString()}`});return await b(),l(f.id),f.id}async function P(f,k,q){h(void 0),v(!0),r({threadId:f,events:[]}),w.current=q;try{let I=[];for await(let V of k)I.push(V),r({threadId:f,events:[...I]})}catch(I){h(G(I))}finally{v(!1),w.current=void 0,await T(f).catch(I=>h(G(I))),await b().catch(()=>{})}}async function L(f,k){try{let q=c??await F(),I=new AbortController,V=e.chat(q,f,{requireApproval:k,signal:I.signal});await P(q,V,I)}catch(q){h(G(q))}}function y(f,k=""){if(!c)return;let q=new AbortController,I={signal:q.signal},V=f==="approve"?e.interrupts.approve(c,I):f==="edit"?e.interrupts.edit(c,k,I):e.interrupts.revise(c,k,I);P(c,V,q)}let E=m?void 0:i?.interrupts[0];return o("div",{class:"chat",children:[o("aside",{"aria-label":"Threads",children:[o("div",{class:"row",children:[o("label",{for:"agent",children:"Agent"}),o("select",{id:"agent",value:a,onChange:f=>d(f.currentTarget.value),children:s.map(f=>o("option",{value:f.id,children:f.name},f.id))})]}),o("button",{type:"button",onClick:()=>F().catch(f=>h(G(f))),children:"New thread"}),o("ul",{class:"threads",children:t.map(f=>o("li",{children:o("button",{type:"button","aria-current":f.id===c?"true":void 0,onClick:()=>l(f.id),children:[f.title??f.id.slice(0,8)," ",o("small",{children:f.status})]})},f.id))})]}),o("section",{class:"conversation","aria-label":"Conversation",children:[_&&o("p",{role:"alert",class:"error",children:_}),o("ol",{class:"messages","aria-label":"Messages",children:i?.messages.map(f=>o(Jn,{message:f},f.id))}),g&&g.threadId===c&&g.events.length>0&&o(Yn,{events:g.events,finished:!m}),E&&o(Xn,{value:E.value,onAnswer:y}),o(Zn,{running:m,onSend:L,onStop:()=>w.current?.abort()}),i&&o(er,{runs:i.runs.edges.map(f=>f.node)})]})]})}function Jn({message:e}){return o("li",{class:`message ${e.role.toLowerCase()}`,children:[o("strong",{children:[e.role.toLowerCase(),e.name?` (${e.name})`:""]}),e.content&&o("p",{children:e.content}),e.toolCalls.map(t=>o("p",{class:"tool",children:["calls ",o("code",{children:t.name})," ",o("code",{children:JSON.stringify(t.args)})]},t.id)),ot(e.artifact)&&o(st,{spec:e.artifact.spec})]})}function Yn({events:e,finished:t}){let n=e.map(a=>a.__typename==="TokenEvent"?a.text:"").join(""),s=e.findLast(a=>a.__typename==="RunStatusEvent"),u=o(ee,{children:[o("p",{class:"streamed","data-testid":"streamed",children:n}),e.map(a=>a.__typename==="ToolEvent"?o("div",{class:"tool",children:["tool ",o("code",{children:a.name})," ",a.phase.toLowerCase(),a.durationMs!==null?` in ${Math.round(a.durationMs)} ms`:"",ot(a.artifact)&&o(st,{spec:a.artifact.spec})]},a.id):null)]});return o("div",{class:"live","aria-live":"polite","data-testid":"live-run",children:[t?o("details",{children:[o("summary",{children:["Streamed events (",e.length,")"]}),u]}):u,s?.__typename==="RunStatusEvent"&&o("p",{class:"status","data-testid":"run-status",children:["Run ",s.status.toLowerCase(),s.queuePosition!==null?` (queue position ${s.queuePosition})`:"",s.error?`: ${s.error}`:""]})]})}function Xn({value:e,onAnswer:t}){let n=typeof e=="object"&&e!==null&&typeof e.draft=="string"?e.draft:"",[s,u]=D(n),[a,d]=D("");return o("section",{class:"interrupt","aria-label":"Waiting for your approval",children:[o("h3",{children:"Waiting for your approval"}),o("pre",{"data-testid":"interrupt-value",children:n||JSON.stringify(e,null,2)}),o("button",{type:"button",onClick:()=>t("approve"),children:"Approve"}),o("div",{class:"row",children:[o("label",{for:"edit-reply",children:"Edited reply"}),o("textarea",{id:"edit-reply",value:s,onInput:c=>u(c.currentTarget.value)}),o("button",{type:"button",onClick:()=>t("edit",s),disabled:!s,children:"Save edit"})]}),o("div",{class:"row",children:[o("label",{for:"feedback",children:"Feedback"}),o("input",{id:"feedback",value:a,onInput:c=>d(c.currentTarget.value)}),o("button",{type:"button",onClick:()=>t("revise",a),disabled:!a,children:"Ask to revise"})]})]})}function Zn({running:e,onSend:t,onStop:n}){let[s,u]=D(""),[a,d]=D(!1);function c(l){l.preventDefault(),!(!s.trim()||e)&&(t(s,a),u(""))}return o("form",{class:"composer",onSubmit:c,children:[o("label",{for:"message",children:"Message"}),o("textarea",{id:"message",value:s,onInput:l=>u(l.currentTarget.value),onKeyDown:l=>{l.key==="Enter"&&(l.ctrlKey||l.metaKey)&&c(l)},"aria-describedby":"message-hint"}),o("small",{id:"message-hint",children:"Ctrl+Enter sends."}),o("label",{children:[o("input",{type:"checkbox",checked:a,onChange:l=>d(l.currentTarget.checked)})," ","Require my approval"]}),o("button",{type:"submit",disabled:e,children:"Send"}),o("button",{type:"button",onClick:n,disabled:!e,children:"Stop"})]})}function er({runs:e}){return e.length===0?null:o("details",{class:"runs",children:[o("summary",{children:["Runs (",e.length,")"]}),o("table",{children:[o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Run"}),o("th",{scope:"col",children:"Status"}),o("th",{scope:"col",children:"Events"}),o("th",{scope:"col",children:"Started"})]})}),o("tbody",{children:e.map(t=>o("tr",{children:[o("td",{children:o("code",{children:t.id.slice(0,8)})}),o("td",{children:t.status}),o("td",{children:t.lastSequence}),o("td",{children:t.startedAt?new Date(t.startedAt).toLocaleTimeString():""})]},t.id))})]})]})}var vn=e=>e.split(/[/,]/).map(t=>t.trim()).filter(t=>t.length>0);function Tn({client:e}){let[t,n]=D([]),[s,u]=D(""),[a,d]=D(""),[c,l]=D(),[i,p]=D(),[g,r]=D(),[m,v]=D("notes"),[_,h]=D(""),[w,b]=D(""),T=()=>e.memories.namespaces({limit:200}).then(n,y=>r(G(y)));Z(()=>{T()},[]);async function F(y,E){r(void 0),p(void 0);try{l(await e.memories.search({namespacePrefix:y,...E.trim()?{query:E}:{},limit:20}))}catch(f){r(G(f))}}async function P(y,E){try{p({key:E,versions:await e.memories.history(y,E)})}catch(f){r(G(f))}}async function L(y){y.preventDefault();try{await e.memories.put({namespace:vn(m),..._.trim()?{key:_.trim()}:{},value:{content:w}}),b(""),await T()}catch(E){r(G(E))}}return o("div",{class:"memories",children:[o("aside",{"aria-label":"Namespaces",children:[o("h2",{children:"Namespaces"}),o("ul",{children:t.map(y=>o("li",{children:o("button",{type:"button",onClick:()=>{u(y.join("/")),F(y,"")},children:y.join(" / ")})},y.join("/")))})]}),o("section",{"aria-label":"Search memories",children:[g&&o("p",{role:"alert",class:"error",children:g}),o("form",{class:"row",onSubmit:y=>{y.preventDefault(),F(vn(s),a)},children:[o("label",{for:"memory-prefix",children:"Namespace prefix"}),o("input",{id:"memory-prefix",value:s,placeholder:"all",onInput:y=>u(y.currentTarget.value)}),o("label",{for:"memory-query",children:"Query"}),o("input",{id:"memory-query",value:a,onInput:y=>d(y.currentTarget.value)}),o("button",{type:"submit",children:"Search"})]}),c&&o("table",{"data-testid":"memory-results",children:[o("caption",{children:[c.length," memories"]}),o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Score"}),o("th",{scope:"col",children:"Namespace"}),o("th",{scope:"col",children:"Key"}),o("th",{scope:"col",children:"Value"}),o("th",{scope:"col",children:"Version"}),o("th",{scope:"col"})]})}),o("tbody",{children:c.map(y=>o("tr",{children:[o("td",{class:"score",children:y.score===null?"":y.score.toFixed(3)}),o("td",{children:y.memory.namespace.join(" / ")}),o("td",{children:o("code",{children:y.memory.key})}),o("td",{children:JSON.stringify(y.memory.value)}),o("td",{children:y.memory.version}),o("td",{children:o("button",{type:"button",onClick:()=>P(y.memory.namespace,y.memory.key),"aria-label":`History of ${y.memory.key}`,children:"History"})})]},`${y.memory.namespace.join("/")}:${y.memory.key}`))})]}),i&&o("section",{"aria-label":`History of ${i.key}`,children:[o("h3",{children:["History of ",i.key]}),o("ol",{children:i.versions.map(y=>o("li",{children:["v",y.version,": ",JSON.stringify(y.value)," ",o("small",{children:["from ",new Date(y.validFrom).toLocaleString(),y.change?`, ${y.change.toLowerCase()}`:", current"]})]},y.version))})]}),o("form",{class:"row",onSubmit:L,"aria-label":"Store a memory",children:[o("label",{for:"new-namespace",children:"Namespace"}),o("input",{id:"new-namespace",value:m,onInput:y=>v(y.currentTarget.value)}),o("label",{for:"new-key",children:"Key"}),o("input",{id:"new-key",value:_,placeholder:"new id",onInput:y=>h(y.currentTarget.value)}),o("label",{for:"new-content",children:"Content"}),o("input",{id:"new-content",value:w,onInput:y=>b(y.currentTarget.value)}),o("button",{type:"submit",disabled:!w.trim(),children:"Store"})]})]})]})}function kn({client:e}){let[t,n]=D([]),[s,u]=D(),[a,d]=D(""),[c,l]=D(),[i,p]=D(),[g,r]=D(),m=()=>e.request(Kt,{first:50}).then(_=>n(_.documents.edges.map(h=>h.node)),_=>r(G(_)));Z(()=>{m()},[]);async function v(_){if(_.preventDefault(),!!s){r(void 0),p("Uploading");try{let h=await e.documents.uploadAndFollow(s,{...a?{title:a}:{},onProgress:(w,b)=>l({loaded:w,total:b}),onStatus:w=>p(w.status)});p(`${h.status}: ${h.document.chunkCount} passages`),await m()}catch(h){p(void 0),r(G(h))}}}return o("section",{class:"documents","aria-label":"Documents",children:[g&&o("p",{role:"alert",class:"error",children:g}),o("form",{class:"row",onSubmit:v,children:[o("label",{for:"document-file",children:"File (.txt, .md, .pdf, .docx)"}),o("input",{id:"document-file",type:"file",accept:".txt,.md,.pdf,.docx",onChange:_=>u(_.currentTarget.files?.[0])}),o("label",{for:"document-title",children:"Title"}),o("input",{id:"document-title",value:a,onInput:_=>d(_.currentTarget.value)}),o("button",{type:"submit",disabled:!s,children:"Upload"})]}),c&&o("p",{children:[o("label",{for:"upload-progress",children:"Upload"})," ",o("progress",{id:"upload-progress",value:c.loaded,max:c.total||1})," ",Math.round(c.loaded/1024)," of ",Math.round(c.total/1024)," KiB"]}),i&&o("p",{"data-testid":"document-status","aria-live":"polite",children:i}),o("table",{children:[o("caption",{children:[t.length," documents"]}),o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Title"}),o("th",{scope:"col",children:"File"}),o("th",{scope:"col",children:"Size"}),o("th",{scope:"col",children:"Passages"}),o("th",{scope:"col",children:"Added"})]})}),o("tbody",{children:t.map(_=>o("tr",{children:[o("td",{children:_.title??""}),o("td",{children:_.filename}),o("td",{children:[Math.round(_.sizeBytes/1024)," KiB"]}),o("td",{children:_.chunkCount}),o("td",{children:new Date(_.createdAt).toLocaleString()})]},_.id))})]})]})}var tr=["NOT_STARTED","IN_PROGRESS","COMPLETED","BLOCKED"];function Sn({client:e}){let[t,n]=D(),[s,u]=D([]),[a,d]=D([]),[c,l]=D(0),[i,p]=D();Z(()=>{let r=new AbortController;return(async()=>{for await(let m of e.project.watch({signal:r.signal})){let[v,_]=await Promise.all([e.request(Xt,{first:100}),e.project.nextTasks({limit:5,allPhases:!0})]);u(v.tasks.edges.map(h=>h.node)),d(_),n(m),l(h=>h+1)}})().catch(m=>{r.signal.aborted||p(G(m))}),()=>r.abort()},[]);async function g(r,m){p(void 0);try{await e.project.updateTask(r.id,m,{force:!0})}catch(v){p(G(v))}}return t?o("section",{class:"project","aria-label":"Project status",children:[i&&o("p",{role:"alert",class:"error",children:i}),o("h2",{children:t.planName}),o("dl",{class:"figures","data-testid":"project-figures","data-updates":c,children:[o("dt",{children:"Overall"}),o("dd",{children:[t.overallCompletion.toFixed(1)," %"]}),o("dt",{children:"Tasks done"}),o("dd",{children:[t.completedTasks," / ",t.totalTasks]}),o("dt",{children:"In progress"}),o("dd",{"data-testid":"in-progress",children:t.inProgressTasks}),o("dt",{children:"Blocked"}),o("dd",{children:t.blockedTasks}),o("dt",{children:"Current phase"}),o("dd",{children:t.currentPhase?.name??"none"})]}),o("table",{children:[o("caption",{children:"Phases"}),o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Phase"}),o("th",{scope:"col",children:"Completion"}),o("th",{scope:"col",children:"Tasks"})]})}),o("tbody",{children:t.phases.map(r=>o("tr",{children:[o("td",{children:[r.name,r.isOverdue?" (overdue)":""]}),o("td",{children:[o("progress",{value:r.completion,max:100,"aria-label":`${r.name} completion`})," ",r.completion.toFixed(0)," %"]}),o("td",{children:[r.completedTasks," / ",r.totalTasks]})]},r.id))})]}),o("h3",{children:"Next tasks"}),o("ol",{children:a.map(r=>o("li",{children:[r.name," ",o("small",{children:r.priority.toLowerCase()})]},r.id))}),o("table",{children:[o("caption",{children:"Tasks"}),o("thead",{children:o("tr",{children:[o("th",{scope:"col",children:"Task"}),o("th",{scope:"col",children:"Priority"}),o("th",{scope:"col",children:"Hours"}),o("th",{scope:"col",children:"Status"})]})}),o("tbody",{children:s.map(r=>o("tr",{"data-task":r.id,children:[o("td",{children:r.name}),o("td",{children:r.priority.toLowerCase()}),o("td",{children:r.estimatedHours}),o("td",{children:o("select",{"aria-label":`Status of ${r.name}`,value:r.status,onChange:m=>g(r,m.currentTarget.value),children:tr.map(m=>o("option",{value:m,children:m.replace("_"," ").toLowerCase()},m))})})]},r.id))})]})]}):o("section",{"aria-label":"Project status",children:i?o("p",{role:"alert",class:"error",children:i}):o("p",{children:"Loading the plan\u2026"})})}var Me={chat:{label:"Chat",View:wn},memories:{label:"Memories",View:Tn},documents:{label:"Documents",View:kn},project:{label:"Project",View:Sn}};function nr(){let e=Ge(rt,[]),[t,n]=D(Pe==="none"||nt()!==void 0),[s,u]=D(location.hash.slice(1)in Me?location.hash.slice(1):"chat");if(!t)return o(rr,{onSignedIn:()=>n(!0)});let{View:a}=Me[s];return o(ee,{children:[o("header",{children:[o("h1",{children:"Graphmind console"}),o("nav",{"aria-label":"Views",children:Object.keys(Me).map(d=>o("a",{href:`#${d}`,"aria-current":d===s?"page":void 0,onClick:()=>u(d),children:Me[d].label}))}),Pe==="token"&&o("button",{type:"button",onClick:()=>{Ce(void 0),n(!1)},children:"Sign out"})]}),o("main",{children:o(a,{client:e})})]})}function rr({onSignedIn:e}){let[t,n]=D(""),[s,u]=D();async function a(d){d.preventDefault(),Ce(t.trim());let c=rt();try{await c.request(Mt,{}),e()}catch(l){Ce(void 0),u(l instanceof ge?"That token was refused.":G(l))}finally{await c.close()}}return o("main",{class:"sign-in",children:[o("h1",{children:"Graphmind console"}),o("form",{onSubmit:a,children:[o("label",{for:"token",children:"Access token (a JWT, e.g. from `deno task token`)"}),o("input",{id:"token",type:"password",autocomplete:"off",value:t,onInput:d=>n(d.currentTarget.value)}),o("button",{type:"submit",disabled:!t.trim(),children:"Sign in"}),s&&o("p",{role:"alert",class:"error",children:s})]})]})}vt(o(nr,{}),document.getElementById("app"));
